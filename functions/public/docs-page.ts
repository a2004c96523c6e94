/**
 * A self-contained page that renders /openapi.json: no CDN, so it works on an offline terminal
 * bench and in the local stack alike.
 */
export const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OneCard API</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:1rem 2rem;color:#1b1b1b}
h1{margin-bottom:0}.op{border:1px solid #ddd;border-radius:6px;margin:.6rem 0;padding:.4rem .8rem}
.m{display:inline-block;min-width:4.5rem;font-weight:700;text-transform:uppercase}
.get{color:#0a7}.post{color:#06c}.put{color:#a60}.delete{color:#c22}
pre{background:#f6f6f6;padding:.5rem;overflow:auto;font-size:12px}summary{cursor:pointer}
</style></head><body>
<h1>OneCard API</h1><p id="info">Loading <a href="/openapi.json">/openapi.json</a>...</p><main id="ops"></main>
<script>
fetch('/openapi.json').then(r=>r.json()).then(doc=>{
  document.getElementById('info').textContent=(doc.info.title||'')+' '+(doc.info.version||'')+' (OpenAPI '+doc.openapi+')';
  const main=document.getElementById('ops');
  for(const [path,item] of Object.entries(doc.paths||{})){
    for(const [method,op] of Object.entries(item)){
      const d=document.createElement('details');d.className='op';
      const s=document.createElement('summary');
      s.innerHTML='<span class="m '+method+'"></span><code></code> <span></span>';
      s.children[0].textContent=method;s.children[1].textContent=path;s.children[2].textContent=op.summary||'';
      const pre=document.createElement('pre');pre.textContent=JSON.stringify({parameters:op.parameters,requestBody:op.requestBody,responses:op.responses},null,2);
      d.append(s,pre);main.append(d);
    }
  }
});
</script></body></html>`;
