-- AlterTable
ALTER TABLE "Landmark" ADD COLUMN "lat" REAL;
ALTER TABLE "Landmark" ADD COLUMN "lng" REAL;
