// The memory yardstick for `npm run bench`: a minimal discord.js plus grammY bot, as a guide's
// first example would write it, answering every slash command and every message with one line.
// Run by bench/startup.ts with the same node flags as Stepwise, against the same fakes.
import { Client, Events, GatewayIntentBits } from "discord.js";
import { Bot } from "grammy";

const env = process.env;
const bot = new Bot(
  env.TELEGRAM_BOT_TOKEN ?? "",
  env.TELEGRAM_API_ROOT ? { client: { apiRoot: env.TELEGRAM_API_ROOT } } : {},
);
bot.on("message:text", (ctx) => ctx.reply("Thanks, noted."));
const client = new Client({
  intents: [GatewayIntentBits.Guilds],
  rest: env.DISCORD_API_URL ? { api: env.DISCORD_API_URL } : {},
});
client.on(Events.InteractionCreate, async (interaction) => {
  if (interaction.isChatInputCommand()) await interaction.reply("Thanks, noted.");
});

await bot.init();
const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
await client.login(env.DISCORD_TOKEN);
await ready;
void bot.start();
process.stderr.write('{"msg":"ready"}\n');
process.once("SIGTERM", async () => {
  await bot.stop();
  await client.destroy();
  process.exit(0);
});
