-- CreateIndex
CREATE INDEX "Case_closedAt_idx" ON "Case"("closedAt");
