-- CreateIndex
CREATE INDEX "CaseEvent_actorKey_type_at_idx" ON "CaseEvent"("actorKey", "type", "at");
