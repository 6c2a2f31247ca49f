-- CreateTable
CREATE TABLE "SenderBinding" (
    "senderKey" TEXT NOT NULL PRIMARY KEY,
    "personId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "senderName" TEXT NOT NULL DEFAULT '',
    "chatId" TEXT NOT NULL DEFAULT '',
    "firstSeenAt" DATETIME NOT NULL,
    "decidedBy" TEXT,
    "decidedAt" DATETIME
);

-- CreateIndex
CREATE INDEX "SenderBinding_status_idx" ON "SenderBinding"("status");
