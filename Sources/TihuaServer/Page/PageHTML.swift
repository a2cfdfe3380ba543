/// The web page (`GET /`): plain HTML, its style sheet and script served
/// by the same binary; no build step, nothing fetched from elsewhere.
enum PageHTML {
    static let html = #"""
<!doctype html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>题画 · Tihua</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<header>
  <span class="seal">题画</span>
  <h1>题画</h1>
  <p>Poems for a picture — drop a photo, or write a few words.</p>
</header>
<main>
  <section class="panel" id="input-panel">
    <h2>PHOTO · 图</h2>
    <label id="drop" for="file-input">
      <strong>Drop a photo here</strong>
      or click to pick a JPEG
    </label>
    <input type="file" id="file-input" accept="image/jpeg">
    <img id="photo" alt="the photo">
    <form id="text-form">
      <input id="text-input" type="text" placeholder="明月 松间 …" autocomplete="off">
      <button type="submit" id="text-button">Search</button>
    </form>
    <div id="filters">
      <input id="dynasty-filter" type="text" placeholder="朝代 dynasty: 唐, Song…" autocomplete="off" aria-label="dynasty">
      <select id="form-filter" aria-label="form">
        <option value="">any form · 诸体</option>
        <option value="5x4">五绝 5 × 4</option>
        <option value="7x4">七绝 7 × 4</option>
        <option value="5x8">五律 5 × 8</option>
        <option value="7x8">七律 7 × 8</option>
        <option value="ci">词 ci</option>
      </select>
    </div>
    <p id="query-label"></p>
    <h2 style="margin-top:18px">KEYWORDS · 意象</h2>
    <div id="keywords"><span class="empty">The keywords of the photo show here; click one to search it.</span></div>
  </section>
  <div class="results">
    <div class="pair">
      <section class="panel">
        <h2>CENTO · 集句</h2>
        <div id="generated" class="verse"><span class="empty">A cento from the nearest poems shows here.</span></div>
      </section>
      <section class="panel">
        <h2>WRITTEN · 新作</h2>
        <div id="written" class="verse"><span class="empty">A poem the GPT-2 generator writes from the keywords shows here.</span></div>
      </section>
    </div>
    <section class="panel">
      <h2>NEAREST POEMS · 诗</h2>
      <div id="poems"><span class="empty">Poems nearest the photo or the words show here.</span></div>
    </section>
  </div>
</main>
<footer id="status"></footer>
<script src="/app.js"></script>
</body>
</html>
"""#
}
