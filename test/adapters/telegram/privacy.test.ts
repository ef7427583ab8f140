import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeGroup, fakeUser, privateChatOf } from "../../fakes/telegram/server.ts";
import { type Harness, startTelegram, testCommands } from "./harness.ts";

let bot: Harness;
beforeAll(async () => {
  bot = await startTelegram({ commands: testCommands });
});
afterAll(() => bot.stop());

async function storeScore(userId: number, score: number): Promise<void> {
  await bot.services.store.profiles.update(`telegram:${userId}`, { step2ck_score: score }, new Date());
}

const urlButtons = (markup: { inline_keyboard: Array<Array<{ text: string; url?: string }>> } | undefined) =>
  markup?.inline_keyboard.flat().flatMap((b) => (b.url ? [b.url] : [])) ?? [];

describe("Telegram adapter: personal data in groups", () => {
  it("GIVEN a personal command in a group THEN no personal data there, a deep link instead; in private it works fully", async () => {
    const user = fakeUser("Maya");
    const group = fakeGroup("IMG study group");
    await storeScore(user.id, 251);

    const notice = await bot.say(user, group, "/mystatus@StepwiseTestBot");
    expect(notice.message.text).not.toContain("251");
    expect(notice.message.text).toContain("private chat");
    const [link] = urlButtons(notice.replyMarkup);
    expect(link).toBe("https://t.me/StepwiseTestBot?start=mystatus");

    // Tapping the link opens the private chat, where Telegram sends "/start mystatus".
    const payload = new URL(link ?? "").searchParams.get("start");
    const full = await bot.say(user, privateChatOf(user), `/start ${payload}`);
    expect(full.message.text).toContain("Step 2 CK score: 251");
    expect(bot.fake.messagesIn(group.id).every((m) => !m.text.includes("251"))).toBe(true);
  });

  it("GIVEN a private reply (a mistake) in a group from someone with a private chat THEN it goes there and the group gets a pointer", async () => {
    const user = fakeUser("Omar");
    const group = fakeGroup("Match group");
    await bot.say(user, privateChatOf(user), "/start");
    const before = bot.fake.messagesIn(user.id).length;

    const pointer = await bot.say(user, group, "/checkin@StepwiseTestBot hours:99");
    expect(pointer.message.text).toContain("sent it to our private chat");
    expect(pointer.message.text).not.toContain("99");
    expect(urlButtons(pointer.replyMarkup)).toEqual(["https://t.me/StepwiseTestBot"]);
    const direct = bot.fake.messagesIn(user.id)[before];
    expect(direct?.message.text).toContain("`hours` must be a whole number from 1 to 16");
  });

  it("GIVEN a private reply in a group from someone who never opened a private chat THEN only a link to open one", async () => {
    const user = fakeUser("Pia");
    const group = fakeGroup("Another group");
    const pointer = await bot.say(user, group, "/checkin@StepwiseTestBot hours:99");
    expect(pointer.message.text).toContain("press Start");
    expect(urlButtons(pointer.replyMarkup)).toEqual(["https://t.me/StepwiseTestBot?start=checkin"]);
    expect(bot.fake.messagesIn(user.id)).toHaveLength(0);
  });
});

describe("Telegram adapter: group settings", () => {
  it("GIVEN a manage command from a member THEN it is refused; from an admin THEN it runs (getChatMember)", async () => {
    const member = fakeUser("Quinn");
    const admin = fakeUser("Rae");
    const group = fakeGroup("Settings group");
    await bot.say(member, privateChatOf(member), "/start");
    bot.fake.makeAdmin(group.id, admin.id);

    const pointer = await bot.say(member, group, "/groupsetting");
    expect(pointer.message.text).toContain("private chat");
    const refusal = bot.fake.messagesIn(member.id).at(-1);
    expect(refusal?.message.text).toContain("Only people who manage this group can use /groupsetting here");

    const saved = await bot.say(admin, group, "/groupsetting");
    expect(saved.message.text).toBe("Group setting saved.");
    const checks = bot.fake.callsOf("getChatMember").map((c) => c.payload);
    expect(checks).toEqual([
      { chat_id: group.id, user_id: member.id },
      { chat_id: group.id, user_id: admin.id },
    ]);
  });

  it("GIVEN a manage command in a private chat THEN it runs without asking Telegram", async () => {
    const user = fakeUser("Sol");
    const calls = bot.fake.callsOf("getChatMember").length;
    const saved = await bot.say(user, privateChatOf(user), "/groupsetting");
    expect(saved.message.text).toBe("Group setting saved.");
    expect(bot.fake.callsOf("getChatMember")).toHaveLength(calls);
  });
});
