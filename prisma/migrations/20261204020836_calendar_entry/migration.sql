-- CreateTable
CREATE TABLE "CalendarEntry" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "year" INTEGER NOT NULL,
    "days" TEXT NOT NULL,
    "noticeText" TEXT NOT NULL,
    "enteredById" TEXT NOT NULL,
    "enteredByName" TEXT NOT NULL,
    "enteredAt" DATETIME NOT NULL,
    "note" TEXT NOT NULL DEFAULT ''
);

-- CreateIndex
CREATE INDEX "CalendarEntry_year_id_idx" ON "CalendarEntry"("year", "id");
