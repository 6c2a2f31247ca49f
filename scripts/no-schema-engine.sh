#!/bin/sh
# Stand-in for Prisma's native schema-engine binary. `prisma generate` refuses to run unless
# PRISMA_SCHEMA_ENGINE_BINARY points at an executable, and downloading the real binary is not
# possible offline. Generating the client does not use the engine, so this stub is never called
# for real. Migrations go through the WebAssembly engine instead (scripts/db-migrate.ts).
echo "luzhang: the native Prisma schema engine is not used; see scripts/db-migrate.ts" >&2
exit 1
