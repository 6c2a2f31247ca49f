-- AlterTable
ALTER TABLE "Case" ADD COLUMN "yellowAt" DATETIME;
ALTER TABLE "Case" ADD COLUMN "yellowDeadline" DATETIME;

-- CreateTable
CREATE TABLE "ConsoleSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "personId" TEXT NOT NULL,
    "personName" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "ConsoleSession_expiresAt_idx" ON "ConsoleSession"("expiresAt");

-- CreateIndex
CREATE INDEX "Case_createdAt_idx" ON "Case"("createdAt");

-- CreateIndex
CREATE INDEX "Case_departmentCode_categoryCode_idx" ON "Case"("departmentCode", "categoryCode");

-- CreateIndex
CREATE INDEX "Case_categoryCode_idx" ON "Case"("categoryCode");

-- CreateIndex
CREATE INDEX "Case_state_deadline_yellowAt_fixedAt_yellowDeadline_idx" ON "Case"("state", "deadline", "yellowAt", "fixedAt", "yellowDeadline");

-- CreateIndex
CREATE INDEX "Case_summary_locationText_reporterName_number_idx" ON "Case"("summary", "locationText", "reporterName", "number");
