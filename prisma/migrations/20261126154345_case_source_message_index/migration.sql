-- CreateIndex
CREATE INDEX "Case_sourceMessageId_idx" ON "Case"("sourceMessageId");
