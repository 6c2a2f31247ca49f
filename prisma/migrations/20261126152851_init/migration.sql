-- CreateTable
CREATE TABLE "Person" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "title" TEXT NOT NULL DEFAULT '',
    "phone" TEXT NOT NULL DEFAULT '',
    "larkOpenId" TEXT,
    "wechatId" TEXT,
    "roles" TEXT NOT NULL DEFAULT '[]',
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Department" (
    "code" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "handles" TEXT NOT NULL DEFAULT '[]',
    "contacts" TEXT NOT NULL DEFAULT '[]'
);

-- CreateTable
CREATE TABLE "Street" (
    "name" TEXT NOT NULL PRIMARY KEY
);

-- CreateTable
CREATE TABLE "Road" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "aliases" TEXT NOT NULL DEFAULT '[]',
    "direction" TEXT NOT NULL DEFAULT '',
    "crossingsOrder" TEXT NOT NULL DEFAULT '',
    "level1ChiefId" TEXT
);

-- CreateTable
CREATE TABLE "Crossing" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "roadName" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "lat" REAL,
    "lng" REAL,
    CONSTRAINT "Crossing_roadName_fkey" FOREIGN KEY ("roadName") REFERENCES "Road" ("name") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Segment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "roadName" TEXT NOT NULL,
    "fromCrossing" TEXT NOT NULL,
    "toCrossing" TEXT NOT NULL,
    "street" TEXT NOT NULL,
    "level3ChiefId" TEXT,
    "level2ChiefId" TEXT,
    CONSTRAINT "Segment_roadName_fkey" FOREIGN KEY ("roadName") REFERENCES "Road" ("name") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Landmark" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "aliases" TEXT NOT NULL DEFAULT '[]',
    "roadName" TEXT NOT NULL,
    "segmentId" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "Chat" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "channel" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "role" TEXT NOT NULL DEFAULT 'report',
    "enabled" BOOLEAN NOT NULL DEFAULT true
);

-- CreateTable
CREATE TABLE "Case" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "number" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "categoryCode" TEXT,
    "summary" TEXT NOT NULL DEFAULT '',
    "locationText" TEXT NOT NULL DEFAULT '',
    "segmentId" TEXT,
    "departmentCode" TEXT,
    "chatId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "reporterKey" TEXT NOT NULL,
    "reporterName" TEXT NOT NULL DEFAULT '',
    "reporterId" TEXT,
    "handlerId" TEXT,
    "coHandlers" TEXT NOT NULL DEFAULT '[]',
    "whistled" TEXT NOT NULL DEFAULT '[]',
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "timeLimit" TEXT NOT NULL DEFAULT '{}',
    "startedAt" DATETIME NOT NULL,
    "deadline" DATETIME,
    "acknowledgedAt" DATETIME,
    "fixedAt" DATETIME,
    "closedAt" DATETIME,
    "reworkCount" INTEGER NOT NULL DEFAULT 0,
    "extensionCount" INTEGER NOT NULL DEFAULT 0,
    "pendingExtension" TEXT,
    "duplicateOfId" INTEGER,
    "extractor" TEXT NOT NULL DEFAULT '',
    "extractorReason" TEXT NOT NULL DEFAULT '',
    "sourceMessageId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "CaseEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "caseId" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "fromState" TEXT,
    "toState" TEXT,
    "actorKey" TEXT NOT NULL,
    "actorName" TEXT NOT NULL DEFAULT '',
    "actorRole" TEXT NOT NULL DEFAULT '',
    "channel" TEXT NOT NULL,
    "messageId" TEXT,
    "at" DATETIME NOT NULL,
    "data" TEXT NOT NULL DEFAULT '{}',
    CONSTRAINT "CaseEvent_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Media" (
    "hash" TEXT NOT NULL PRIMARY KEY,
    "mime" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "path" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "CaseMedia" (
    "caseId" INTEGER NOT NULL,
    "mediaHash" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "addedAt" DATETIME NOT NULL,

    PRIMARY KEY ("caseId", "mediaHash", "kind"),
    CONSTRAINT "CaseMedia_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "CaseMedia_mediaHash_fkey" FOREIGN KEY ("mediaHash") REFERENCES "Media" ("hash") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PendingPhoto" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "chatId" TEXT NOT NULL,
    "senderKey" TEXT NOT NULL,
    "mediaHash" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL,
    "consumed" BOOLEAN NOT NULL DEFAULT false
);

-- CreateTable
CREATE TABLE "InboxMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channel" TEXT NOT NULL,
    "platformMessageId" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "senderKey" TEXT NOT NULL,
    "raw" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'received',
    "processedAt" DATETIME,
    "note" TEXT NOT NULL DEFAULT '',
    "attempts" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "idempotencyKey" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "caseId" INTEGER,
    "kind" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL,
    "lastError" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL,
    "sentAt" DATETIME,
    "platformMessageId" TEXT
);

-- CreateTable
CREATE TABLE "SimMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "JobRun" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "job" TEXT NOT NULL,
    "periodKey" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    "status" TEXT NOT NULL DEFAULT 'running',
    "note" TEXT NOT NULL DEFAULT ''
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "Person_larkOpenId_key" ON "Person"("larkOpenId");

-- CreateIndex
CREATE UNIQUE INDEX "Person_wechatId_key" ON "Person"("wechatId");

-- CreateIndex
CREATE UNIQUE INDEX "Crossing_roadName_name_key" ON "Crossing"("roadName", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Case_number_key" ON "Case"("number");

-- CreateIndex
CREATE INDEX "Case_state_idx" ON "Case"("state");

-- CreateIndex
CREATE INDEX "Case_segmentId_state_idx" ON "Case"("segmentId", "state");

-- CreateIndex
CREATE INDEX "Case_reporterKey_state_idx" ON "Case"("reporterKey", "state");

-- CreateIndex
CREATE INDEX "Case_handlerId_state_idx" ON "Case"("handlerId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "Case_day_seq_key" ON "Case"("day", "seq");

-- CreateIndex
CREATE INDEX "CaseEvent_caseId_idx" ON "CaseEvent"("caseId");

-- CreateIndex
CREATE INDEX "PendingPhoto_chatId_senderKey_consumed_idx" ON "PendingPhoto"("chatId", "senderKey", "consumed");

-- CreateIndex
CREATE INDEX "InboxMessage_status_idx" ON "InboxMessage"("status");

-- CreateIndex
CREATE UNIQUE INDEX "InboxMessage_channel_platformMessageId_key" ON "InboxMessage"("channel", "platformMessageId");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_idempotencyKey_key" ON "OutboxMessage"("idempotencyKey");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_nextAttemptAt_idx" ON "OutboxMessage"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_platformMessageId_idx" ON "OutboxMessage"("platformMessageId");

-- CreateIndex
CREATE UNIQUE INDEX "SimMessage_key_key" ON "SimMessage"("key");

-- CreateIndex
CREATE UNIQUE INDEX "JobRun_job_periodKey_key" ON "JobRun"("job", "periodKey");
