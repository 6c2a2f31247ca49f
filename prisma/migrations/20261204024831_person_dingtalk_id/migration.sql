-- AlterTable
ALTER TABLE "Person" ADD COLUMN "dingtalkId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Person_dingtalkId_key" ON "Person"("dingtalkId");
