/// The web page's style sheet (`GET /style.css`).
enum PageStyle {
    static let css = #"""
:root {
  --paper: #f6f1e7;
  --card: #fffdf8;
  --ink: #2b2622;
  --muted: #7a6f64;
  --line: #e3d9c8;
  --seal: #b23a2a;
  --seal-soft: #f3ddd6;
  --jade: #3d6b5a;
  --serif: "Noto Serif CJK SC", "Noto Serif SC", "Source Han Serif SC", "Songti SC", "STSong", "SimSun", "Noto Serif CJK TC", serif;
  --sans: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", system-ui, sans-serif;
}
* { box-sizing: border-box; }
html, body { margin: 0; background: var(--paper); color: var(--ink); font-family: var(--sans); }
body { min-height: 100vh; }
header { padding: 28px 40px 8px; display: flex; align-items: baseline; gap: 16px; }
header h1 { margin: 0; font-family: var(--serif); font-weight: 700; font-size: 40px; letter-spacing: 0.12em; }
header .seal { display: inline-block; background: var(--seal); color: #fff; font-family: var(--serif); font-size: 14px;
  padding: 6px 5px; line-height: 1.1; writing-mode: vertical-rl; border-radius: 3px; letter-spacing: 0.1em; }
header p { margin: 0; color: var(--muted); }
main { padding: 12px 40px 48px; display: grid; grid-template-columns: minmax(280px, 380px) 1fr; gap: 28px; align-items: start; }
@media (max-width: 860px) { main { grid-template-columns: 1fr; padding: 12px 16px 40px; } header { padding: 20px 16px 4px; } }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 14px; padding: 18px; box-shadow: 0 1px 2px rgba(60,40,20,.05); }
.panel h2 { margin: 0 0 12px; font-size: 15px; font-weight: 600; color: var(--muted); letter-spacing: .08em; }
#drop { display: block; border: 2px dashed var(--line); border-radius: 12px; padding: 22px 14px; text-align: center; cursor: pointer;
  transition: border-color .15s, background .15s; color: var(--muted); }
#drop.over, #drop:hover { border-color: var(--seal); background: var(--seal-soft); color: var(--ink); }
#drop strong { display: block; color: var(--ink); font-size: 16px; margin-bottom: 4px; }
#file-input { display: none; }
#photo { display: none; width: 100%; margin-top: 14px; border-radius: 10px; box-shadow: 0 4px 14px rgba(60,40,20,.18); }
#photo.shown { display: block; }
form#text-form { display: flex; gap: 8px; margin-top: 14px; }
#text-input { flex: 1; min-width: 0; padding: 10px 12px; border: 1px solid var(--line); border-radius: 10px; font: 16px var(--serif); background: #fff; }
#text-input:focus { outline: 2px solid var(--seal-soft); border-color: var(--seal); }
button { font: inherit; cursor: pointer; border-radius: 10px; border: 1px solid var(--seal); background: var(--seal); color: #fff; padding: 9px 16px; }
button.quiet { background: transparent; color: var(--seal); padding: 4px 10px; font-size: 13px; }
button:disabled { opacity: .5; cursor: default; }
#filters { display: flex; gap: 8px; margin-top: 10px; }
#filters input, #filters select { flex: 1; min-width: 0; padding: 7px 10px; border: 1px solid var(--line); border-radius: 10px;
  font: 14px var(--sans); background: #fff; color: var(--ink); }
#query-label { margin: 14px 0 0; color: var(--muted); font-size: 14px; min-height: 1em; }
#keywords { display: flex; flex-wrap: wrap; gap: 8px; min-height: 8px; }
.chip { border: 1px solid var(--jade); color: var(--jade); background: #fff; border-radius: 999px; padding: 5px 12px;
  font-family: var(--serif); font-size: 16px; cursor: pointer; }
.chip:hover { background: var(--jade); color: #fff; }
.chip small { font-family: var(--sans); font-size: 11px; opacity: .7; margin-left: 4px; }
.results { display: grid; gap: 18px; }
#poems { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 14px; }
.poem { border: 1px solid var(--line); border-radius: 12px; padding: 14px 16px; background: #fff; position: relative; }
.poem h3 { margin: 0; font-family: var(--serif); font-size: 19px; }
.poem .meta { color: var(--muted); font-size: 13px; margin: 4px 0 10px; }
.poem .meta { display: flex; justify-content: space-between; gap: 8px; }
.poem .score { font-size: 11px; color: var(--muted); font-variant-numeric: tabular-nums; }
.poem .lines { font-family: var(--serif); font-size: 17px; line-height: 1.9; letter-spacing: .06em; }
.poem .lines div { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.poem .images { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px; margin-top: 10px; }
.poem .images img { width: 100%; aspect-ratio: 1; object-fit: cover; border-radius: 6px; }
.poem .images .note { grid-column: 1 / -1; color: var(--muted); font-size: 13px; }
.pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 18px; align-items: start; }
.verse { font-family: var(--serif); }
.verse .line { display: flex; justify-content: space-between; gap: 12px; align-items: baseline; padding: 6px 0; border-bottom: 1px dotted var(--line); }
.verse .line:last-of-type { border-bottom: none; }
.verse .text { font-size: 22px; letter-spacing: .16em; white-space: nowrap; }
.verse .source { font-family: var(--sans); font-size: 12px; color: var(--muted); text-align: right; }
.verse .summary { margin-top: 10px; font-family: var(--sans); font-size: 12px; color: var(--muted); }
.loading { color: var(--muted); font-size: 14px; display: flex; align-items: center; gap: 8px; }
.loading::before { content: ""; width: 14px; height: 14px; border-radius: 50%; border: 2px solid var(--line); border-top-color: var(--seal); animation: spin .8s linear infinite; }
@keyframes spin { to { transform: rotate(360deg); } }
.error { color: var(--seal); background: var(--seal-soft); border-radius: 8px; padding: 8px 12px; font-size: 14px; }
.empty { color: var(--muted); font-size: 14px; }
footer { color: var(--muted); font-size: 12px; padding: 0 40px 24px; }
"""#
}
