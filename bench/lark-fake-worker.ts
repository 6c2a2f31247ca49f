/**
 * The fake Lark Open API in its own process for `npm run bench:lark`: Lark is another machine, so its
 * work should not share the bot's event loop. Started with the chat ids as arguments; answers the
 * IPC message "stats" with what it counted, and "close" by stopping.
 */
import { FakeLarkOpenApi } from "../test/fakes/lark-open-api.ts";

const fake = await new FakeLarkOpenApi({ chats: process.argv.slice(2) }).start();
process.send?.({ type: "ready", url: fake.url, appId: fake.appId, appSecret: fake.appSecret });
process.on("message", async (m: { type: string }) => {
  if (m.type === "stats") {
    process.send?.({ type: "stats", sends: fake.sends, errors: fake.errors });
  } else if (m.type === "close") {
    await fake.close();
    process.exit(0);
  }
});
