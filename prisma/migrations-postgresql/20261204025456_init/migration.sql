-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Person" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "title" TEXT NOT NULL DEFAULT '',
    "phone" TEXT NOT NULL DEFAULT '',
    "larkOpenId" TEXT,
    "wechatId" TEXT,
    "roles" TEXT NOT NULL DEFAULT '[]',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Department" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "handles" TEXT NOT NULL DEFAULT '[]',
    "contacts" TEXT NOT NULL DEFAULT '[]',

    CONSTRAINT "Department_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "Street" (
    "name" TEXT NOT NULL,

    CONSTRAINT "Street_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "Road" (
    "name" TEXT NOT NULL,
    "aliases" TEXT NOT NULL DEFAULT '[]',
    "direction" TEXT NOT NULL DEFAULT '',
    "crossingsOrder" TEXT NOT NULL DEFAULT '',
    "level1ChiefId" TEXT,

    CONSTRAINT "Road_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "Crossing" (
    "id" SERIAL NOT NULL,
    "roadName" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "lat" DOUBLE PRECISION,
    "lng" DOUBLE PRECISION,

    CONSTRAINT "Crossing_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Segment" (
    "id" TEXT NOT NULL,
    "roadName" TEXT NOT NULL,
    "fromCrossing" TEXT NOT NULL,
    "toCrossing" TEXT NOT NULL,
    "street" TEXT NOT NULL,
    "level3ChiefId" TEXT,
    "level2ChiefId" TEXT,

    CONSTRAINT "Segment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Landmark" (
    "name" TEXT NOT NULL,
    "aliases" TEXT NOT NULL DEFAULT '[]',
    "roadName" TEXT NOT NULL,
    "segmentId" TEXT NOT NULL,

    CONSTRAINT "Landmark_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "Chat" (
    "id" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "role" TEXT NOT NULL DEFAULT 'report',
    "enabled" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "Chat_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Case" (
    "id" SERIAL NOT NULL,
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
    "startedAt" TIMESTAMP(3) NOT NULL,
    "deadline" TIMESTAMP(3),
    "acknowledgedAt" TIMESTAMP(3),
    "fixedAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "reworkCount" INTEGER NOT NULL DEFAULT 0,
    "extensionCount" INTEGER NOT NULL DEFAULT 0,
    "pendingExtension" TEXT,
    "duplicateOfId" INTEGER,
    "extractor" TEXT NOT NULL DEFAULT '',
    "extractorReason" TEXT NOT NULL DEFAULT '',
    "sourceMessageId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "yellowAt" TIMESTAMP(3),
    "yellowDeadline" TIMESTAMP(3),

    CONSTRAINT "Case_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseEvent" (
    "id" SERIAL NOT NULL,
    "caseId" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "fromState" TEXT,
    "toState" TEXT,
    "actorKey" TEXT NOT NULL,
    "actorName" TEXT NOT NULL DEFAULT '',
    "actorRole" TEXT NOT NULL DEFAULT '',
    "channel" TEXT NOT NULL,
    "messageId" TEXT,
    "at" TIMESTAMP(3) NOT NULL,
    "data" TEXT NOT NULL DEFAULT '{}',

    CONSTRAINT "CaseEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Media" (
    "hash" TEXT NOT NULL,
    "mime" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "path" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Media_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "CaseMedia" (
    "caseId" INTEGER NOT NULL,
    "mediaHash" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "addedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CaseMedia_pkey" PRIMARY KEY ("caseId","mediaHash","kind")
);

-- CreateTable
CREATE TABLE "PendingPhoto" (
    "id" SERIAL NOT NULL,
    "chatId" TEXT NOT NULL,
    "senderKey" TEXT NOT NULL,
    "mediaHash" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "consumed" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "PendingPhoto_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InboxMessage" (
    "id" SERIAL NOT NULL,
    "channel" TEXT NOT NULL,
    "platformMessageId" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "senderKey" TEXT NOT NULL,
    "raw" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'received',
    "processedAt" TIMESTAMP(3),
    "note" TEXT NOT NULL DEFAULT '',
    "attempts" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "InboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" SERIAL NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "caseId" INTEGER,
    "kind" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL,
    "lastError" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),
    "platformMessageId" TEXT,

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SimMessage" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SimMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobRun" (
    "id" SERIAL NOT NULL,
    "job" TEXT NOT NULL,
    "periodKey" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "status" TEXT NOT NULL DEFAULT 'running',
    "note" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "JobRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "ConsoleSession" (
    "id" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "personName" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ConsoleSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CalendarEntry" (
    "id" SERIAL NOT NULL,
    "year" INTEGER NOT NULL,
    "days" TEXT NOT NULL,
    "noticeText" TEXT NOT NULL,
    "enteredById" TEXT NOT NULL,
    "enteredByName" TEXT NOT NULL,
    "enteredAt" TIMESTAMP(3) NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "CalendarEntry_pkey" PRIMARY KEY ("id")
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
CREATE INDEX "Case_sourceMessageId_idx" ON "Case"("sourceMessageId");

-- CreateIndex
CREATE INDEX "Case_state_idx" ON "Case"("state");

-- CreateIndex
CREATE INDEX "Case_segmentId_state_idx" ON "Case"("segmentId", "state");

-- CreateIndex
CREATE INDEX "Case_reporterKey_state_idx" ON "Case"("reporterKey", "state");

-- CreateIndex
CREATE INDEX "Case_handlerId_state_idx" ON "Case"("handlerId", "state");

-- CreateIndex
CREATE INDEX "Case_createdAt_idx" ON "Case"("createdAt");

-- CreateIndex
CREATE INDEX "Case_closedAt_idx" ON "Case"("closedAt");

-- CreateIndex
CREATE INDEX "Case_departmentCode_categoryCode_idx" ON "Case"("departmentCode", "categoryCode");

-- CreateIndex
CREATE INDEX "Case_categoryCode_idx" ON "Case"("categoryCode");

-- CreateIndex
CREATE INDEX "Case_state_deadline_yellowAt_fixedAt_yellowDeadline_idx" ON "Case"("state", "deadline", "yellowAt", "fixedAt", "yellowDeadline");

-- CreateIndex
CREATE INDEX "Case_summary_locationText_reporterName_number_idx" ON "Case"("summary", "locationText", "reporterName", "number");

-- CreateIndex
CREATE UNIQUE INDEX "Case_day_seq_key" ON "Case"("day", "seq");

-- CreateIndex
CREATE INDEX "CaseEvent_caseId_idx" ON "CaseEvent"("caseId");

-- CreateIndex
CREATE INDEX "CaseEvent_actorKey_type_at_idx" ON "CaseEvent"("actorKey", "type", "at");

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
CREATE INDEX "OutboxMessage_caseId_id_idx" ON "OutboxMessage"("caseId", "id");

-- CreateIndex
CREATE INDEX "OutboxMessage_platformMessageId_idx" ON "OutboxMessage"("platformMessageId");

-- CreateIndex
CREATE UNIQUE INDEX "SimMessage_key_key" ON "SimMessage"("key");

-- CreateIndex
CREATE UNIQUE INDEX "JobRun_job_periodKey_key" ON "JobRun"("job", "periodKey");

-- CreateIndex
CREATE INDEX "ConsoleSession_expiresAt_idx" ON "ConsoleSession"("expiresAt");

-- CreateIndex
CREATE INDEX "CalendarEntry_year_id_idx" ON "CalendarEntry"("year", "id");

-- AddForeignKey
ALTER TABLE "Crossing" ADD CONSTRAINT "Crossing_roadName_fkey" FOREIGN KEY ("roadName") REFERENCES "Road"("name") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Segment" ADD CONSTRAINT "Segment_roadName_fkey" FOREIGN KEY ("roadName") REFERENCES "Road"("name") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseEvent" ADD CONSTRAINT "CaseEvent_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseMedia" ADD CONSTRAINT "CaseMedia_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseMedia" ADD CONSTRAINT "CaseMedia_mediaHash_fkey" FOREIGN KEY ("mediaHash") REFERENCES "Media"("hash") ON DELETE RESTRICT ON UPDATE CASCADE;
