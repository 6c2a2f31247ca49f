/** Entry point: `npm start`. Reads configuration once, starts the service, stops cleanly on signals. */
import "dotenv/config";
import { createApp } from "./app/create-app.ts";
import { ConfigError, loadConfig } from "./config.ts";

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const app = await createApp({ config, startScheduler: true });
  const address = await app.server.listen({ host: config.host, port: config.port });
  const roster = app.roster();
  app.log.info(
    `路长通已启动：名册 ${roster.people.size} 人、${roster.segments.size} 个路段；数据库 ${config.databaseFile}`,
  );
  if (app.simulator) app.log.info(`网页模拟群聊：${address.replace("127.0.0.1", "localhost")}/`);
  if (app.wechat) app.log.info(`微信扫码登录与连接状态：${address.replace("127.0.0.1", "localhost")}/wechat`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info(`收到 ${signal}，正在停止…`);
    await app.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("unhandledRejection", (err) => app.log.error({ err }, "unhandled rejection"));
}

main().catch((err) => {
  // The refusals that tell the operator what to do need no stack trace (another instance, a damaged file).
  const code = (err as { code?: unknown }).code;
  if (code === "DB_IN_USE" || code === "DB_DAMAGED") {
    console.error(`启动失败：${(err as Error).message}`);
    process.exit(2);
  }
  console.error("启动失败：", err);
  process.exit(1);
});
