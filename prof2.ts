import { escapeMarkdown } from "discord.js";
const unit = "```😀\x1bc";
for (const n of [1000, 2000, 4000, 8000, 16000]) {
  const s = unit.repeat(n / unit.length);
  for (const opt of ["codeBlock","inlineCode","italic","bold","underline","strikethrough","spoiler","heading","bulletedList","numberedList"]) {
    const o: any = { codeBlock:false,inlineCode:false,bold:false,italic:false,underline:false,strikethrough:false,spoiler:false,escape:false };
    o[opt] = true;
    const t = performance.now(); escapeMarkdown(s, o); const d = performance.now() - t;
    if (d > 5) console.log(n, opt, d.toFixed(0));
  }
}
for (const u of ["a", "a_", "a*", "https://x_", "<a:x "]) { const s = u.repeat(16000/u.length); const t = performance.now(); escapeMarkdown(s); console.log(JSON.stringify(u), (performance.now()-t).toFixed(0)); }
