import { ApplicationCommandOptionType, MessageFlags } from "discord.js";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import type { Repositories } from "../../src/core/repositories.ts";
import { fakeUser, privateChatOf } from "../fakes/telegram/server.ts";
import { RISING_SCORES } from "../fixtures/progress.ts";
import { startBot } from "./discord/harness.ts";
import { startTelegram } from "./telegram/harness.ts";

/** The progress picture, end to end: the real clients upload it to the fake platforms. */

const NOW = new Date("2026-11-25T12:00:00.000Z");

/** A person with an exam date, a time zone, four practice scores and a week of sessions. */
async function seed(store: Repositories, userId: string): Promise<void> {
  await store.profiles.update(
    userId,
    { timezone: "Asia/Kolkata", exam_dates: { step2ck: "2027-03-01" } },
    NOW,
  );
  for (const [date, value] of RISING_SCORES) {
    await store.scores.add(
      userId,
      { exam: "step2ck", test: `Form ${value}`, kind: "scaled", value, date, added_at: NOW.toISOString() },
      NOW,
    );
  }
  for (let day = 18; day <= 24; day++) {
    await store.studyLog.add(
      userId,
      { date: `2026-11-${day}`, questions: 50, added_at: NOW.toISOString() },
      NOW,
    );
  }
}

const decoded = (data: Buffer) => PNG.sync.read(data);

describe("/progress on the platforms", () => {
  it("GIVEN /progress in a private Telegram chat THEN the fake Bot API receives a sendPhoto multipart upload of the PNG", async () => {
    const bot = await startTelegram();
    try {
      const user = fakeUser("Asha");
      const chat = privateChatOf(user);
      await seed(bot.services.store, `telegram:${user.id}`);
      bot.fake.userSays(user, chat, "/progress exam:step2ck");
      const photo = await bot.fake.waitFor(() => bot.fake.messagesIn(chat.id).find((m) => m.upload), 15_000);
      expect(photo.upload?.kind).toBe("photo");
      expect(bot.fake.callsOf("sendPhoto")).toHaveLength(1);
      const png = decoded(photo.upload?.file.data ?? Buffer.alloc(0));
      expect([png.width, png.height]).toEqual([960, 600]);
      const text = bot.fake
        .messagesIn(chat.id)
        .map((m) => m.text)
        .join(" ");
      expect(text).toContain("Red line: the passing standard, 218");
    } finally {
      await bot.stop();
    }
  });

  it("GIVEN /progress in a Discord server channel THEN the reply is ephemeral and carries the PNG as an attachment", async () => {
    const { fake, services, stop } = await startBot();
    try {
      await seed(services.store, `discord:${fake.world.member.id}`);
      const { requests } = await fake.runCommand("progress", [
        { name: "exam", type: ApplicationCommandOptionType.String, value: "step2ck" },
      ]);
      const withFile = requests.find((r) => r.files.length > 0);
      expect(withFile?.files.map((f) => f.filename)).toEqual(["progress-step2ck.png"]);
      const png = decoded(withFile?.files[0]?.data ?? Buffer.alloc(0));
      expect([png.width, png.height]).toEqual([960, 600]);
      const flags = requests.map((r) => r.body?.flags ?? r.body?.data?.flags).find((f) => f !== undefined);
      expect((flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
      const attachments = withFile?.body?.attachments ?? withFile?.body?.data?.attachments;
      expect(attachments?.[0]?.description).toContain("Purple line: your exam day, 2027-03-01");
    } finally {
      await stop();
    }
  });
});
