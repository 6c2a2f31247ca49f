-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "dingtalkId" TEXT;

-- AlterTable
ALTER TABLE "Landmark" ADD COLUMN     "lat" DOUBLE PRECISION,
ADD COLUMN     "lng" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "SenderBinding" (
    "senderKey" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "senderName" TEXT NOT NULL DEFAULT '',
    "chatId" TEXT NOT NULL DEFAULT '',
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMP(3),

    CONSTRAINT "SenderBinding_pkey" PRIMARY KEY ("senderKey")
);

-- CreateIndex
CREATE INDEX "SenderBinding_status_idx" ON "SenderBinding"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Person_dingtalkId_key" ON "Person"("dingtalkId");
