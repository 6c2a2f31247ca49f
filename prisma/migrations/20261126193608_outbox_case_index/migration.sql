-- CreateIndex
CREATE INDEX "OutboxMessage_caseId_id_idx" ON "OutboxMessage"("caseId", "id");
