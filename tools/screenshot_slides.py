"""Open the exported decks in headless Chromium: screenshots, and slides that overflow 1280x720.

Run ``make slides`` first; then

    .venv/bin/python tools/screenshot_slides.py                  # every deck in build/slides/
    .venv/bin/python tools/screenshot_slides.py build/slides/00_start_here.slides.html
    .venv/bin/python tools/screenshot_slides.py --strict         # exit 1 if a slide overflows
    .venv/bin/python tools/screenshot_slides.py --out build/screenshots/ko build/slides/ko/*.slides.html  # Korean

For each deck it opens ``file://.../NN_topic.slides.html#/0/0`` (the title slide) and
``#/<h>/<v>`` of the first slide with a plot that fits on screen (else the first slide with a
plot) in a 1280x720 window and saves both as PNGs in build/screenshots/; a plot slide that
overflows is saved once more whole (``*_whole.png``, from a taller window). Then it steps
through every slide with reveal.js's own API and measures it in slide units (the decks are
laid out at 1280x720, see tools/slides/nbconvert_config.py, so reveal.js's scaling does not
enter). A slide overflows when its content is taller than 720 (the bottom is cut off on
screen) or wider than 1280, or when a code cell or an output in it is wider than its box
(lines cut off on the right, or a horizontal scroll bar). Slides that fit only because the
deck gave a code cell or output a vertical scroll bar (its last resort, see
tools/slides/templates/tlcourse_reveal/index.html.j2) are listed too, as fitting. The report
is printed and written to build/screenshots/report.json. Korean text needs a CJK font (Debian: fonts-noto-cjk).

It also lists every request a deck makes that is not to a local file: a script or style
sheet from the network means the deck is blank offline (an error, exit 1); an image from the
network only shows its alt text offline (a warning).

Chromium comes from Debian's ``chromium`` package (``apt-get install chromium``); the script
talks to it over the DevTools protocol on a pipe, so it needs nothing beyond the standard
library. As root it runs Chromium with --no-sandbox.
"""

from __future__ import annotations

import argparse
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SLIDES = ROOT / "build" / "slides"
SHOTS = ROOT / "build" / "screenshots"
WIDTH, HEIGHT = 1280, 720
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:", "chrome:", "devtools:")

# The module id the deck loaded reveal.js under: "reveal.js/dist/reveal.js" beside the copies,
# "../reveal.js/dist/reveal.js" for the Korean decks in build/slides/ko/ (read from its style sheet link).
REVEAL_MODULE = ("(document.querySelector('link[href$=\"dist/reveal.css\"]')?.getAttribute('href') "
                 "|| 'reveal.js/dist/reveal.css').replace(/reveal\\.css$/, 'reveal.js')")

# Waits in the page until reveal.js is initialised, every image is decoded, the fonts are
# loaded and MathJax (if any) has typeset; then returns reveal.js's slide size.
READY_JS = """
(async () => {
  const deadline = Date.now() + %d;
  while (!document.querySelector('.reveal.ready')) {
    if (Date.now() > deadline) return null;
    await new Promise(r => setTimeout(r, 50));
  }
  await Promise.all([...document.images].map(img => img.complete ? null :
      new Promise(r => { img.addEventListener('load', r); img.addEventListener('error', r); })));
  await document.fonts.ready;
  if (window.MathJax && MathJax.Hub) await new Promise(r => MathJax.Hub.Queue(r));
  const Reveal = await new Promise(r => require([REVEAL_MODULE], r));
  const c = Reveal.getConfig();
  return {width: c.width, height: c.height, indices: Reveal.getIndices()};
})()
""".replace("REVEAL_MODULE", REVEAL_MODULE)

# Visits every slide and measures it (in slide units: reveal.js scales the whole .slides box).
MEASURE_JS = """
(async () => {
  const Reveal = await new Promise(r => require([REVEAL_MODULE], r));
  const {width: W, height: H} = Reveal.getConfig();
  const start = Reveal.getIndices();
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  const out = [];
  for (const slide of Reveal.getSlides()) {
    const {h, v} = Reveal.getIndices(slide);
    Reveal.slide(h, v);
    await frame();
    const heading = slide.querySelector('h1, h2, h3, h4, h5, h6');
    const text = (heading ? heading.textContent : slide.textContent).replace(/\\s+/g, ' ')
                 .replace(/\\u00b6/g, '').trim();
    // Boxes whose text runs past their right edge: clipped (lines cut off) or scrolled sideways.
    // (Comparing scrollWidth alone would flag every code cell: its <pre> is 100% wide plus padding.)
    const textRight = el => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return Math.max(-Infinity, ...[...range.getClientRects()].map(r => r.right));
    };
    const scrollers = [...slide.querySelectorAll('*')].filter(el => {
      const o = getComputedStyle(el).overflowX;
      return o !== 'visible' && el.scrollWidth > el.clientWidth + 1
             && textRight(el) > el.getBoundingClientRect().right + 1;
    }).map(el => (['auto', 'scroll'].includes(getComputedStyle(el).overflowX) ? 'scroll bar in '
                  : 'lines cut off on the right in ')
                 + (el.closest('.jp-InputArea') ? 'code' : el.closest('.jp-OutputArea') ? 'output'
                    : el.tagName.toLowerCase()));
    // Boxes that fit only with a vertical scroll bar (the deck's last resort for a code cell or
    // output too tall for any slide): they fit, but the audience sees part of them at a time.
    const scrolled = [...slide.querySelectorAll('*')].filter(el =>
        ['auto', 'scroll'].includes(getComputedStyle(el).overflowY)
        && el.scrollHeight > el.clientHeight + 1)
      .map(el => el.closest('.jp-InputArea') ? 'code' : el.closest('.jp-OutputArea') ? 'output'
                 : el.tagName.toLowerCase());
    // Figures as shown / as stored (the deck shrinks them to fit), in slide pixels.
    const figures = [...slide.querySelectorAll('.jp-OutputArea-output img')]
      .map(img => [img.offsetHeight, img.naturalHeight]);
    out.push({h, v, title: text.slice(0, 70), height: slide.scrollHeight,
              width: slide.scrollWidth, scrollers, scrolled, figures,
              plot: figures.length > 0});
  }
  Reveal.slide(start.h, start.v);
  return {width: W, height: H, slides: out};
})()
""".replace("REVEAL_MODULE", REVEAL_MODULE)


class Chromium:
    """Headless Chromium driven over the DevTools protocol on a pipe (fds 3 and 4)."""

    def __init__(self, binary: str, width: int = WIDTH, height: int = HEIGHT, timeout: float = 60):
        self.timeout = timeout
        self.width, self.height = width, height
        self.profile = tempfile.mkdtemp(prefix="tlcourse-chromium-")
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()
        # The child's ends, moved above 4 so that dup2() onto fds 3 and 4 cannot clobber them.
        child_r = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
        child_w = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
        os.close(to_browser_r)
        os.close(from_browser_w)

        def pipes_on_3_and_4():
            os.dup2(child_r, 3)
            os.dup2(child_w, 4)

        args = [binary, "--headless", "--disable-gpu", "--no-first-run", "--mute-audio",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-quic", "--disable-extensions",
                f"--user-data-dir={self.profile}", f"--window-size={width},{height}",
                "--remote-debugging-pipe", "about:blank"]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")
        self.proc = subprocess.Popen(args, pass_fds=(3, 4), preexec_fn=pipes_on_3_and_4,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        os.close(child_r)
        os.close(child_w)
        self._out, self._in = to_browser_w, from_browser_r
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.call(f"{domain}.enable", session=self.session)
        self.call("Emulation.setDeviceMetricsOverride", session=self.session, width=width,
                  height=height, deviceScaleFactor=1, mobile=False)

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe (did it crash?)")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, session: str | None = None, **params) -> dict:
        """Send one DevTools command and return its result; events are kept in self.events."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", session=self.session, expression=expression,
                           awaitPromise=True, returnByValue=True, timeout=self.timeout * 1000)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise RuntimeError(details.get("exception", {}).get("description") or details.get("text"))
        return result["result"].get("value")

    def open(self, url: str, wait_ms: int = 20000) -> dict | None:
        """Load url afresh and wait until reveal.js is ready; None if it never is."""
        self.call("Page.navigate", session=self.session, url="about:blank")
        self.call("Page.navigate", session=self.session, url=url)
        deadline = time.monotonic() + wait_ms / 1000
        while time.monotonic() < deadline:  # the new document may not exist yet
            try:
                page = self.evaluate("[document.readyState, location.href.split('#')[0]]")
                if page == ["complete", url.split("#")[0]]:
                    break
            except RuntimeError:
                pass
            time.sleep(0.05)
        return self.evaluate(READY_JS % wait_ms)

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", session=self.session, format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def screenshot_whole_slide(self, path: Path, content_height: int) -> None:
        """The current slide with what overflows it: a taller window, cropped to the content."""
        self.call("Emulation.setDeviceMetricsOverride", session=self.session, width=self.width,
                  height=2 * content_height + 100, deviceScaleFactor=1, mobile=False)
        time.sleep(0.5)  # reveal.js re-lays out on resize
        top, bottom = self.evaluate("""(() => {
          const s = document.querySelector('.slides section.present section.present')
                    || document.querySelector('.slides section.present');
          const r = s.getBoundingClientRect();
          return [r.top, r.top + s.scrollHeight * r.height / s.offsetHeight]; })()""")
        clip = {"x": 0, "y": max(top - 20, 0), "width": self.width,
                "height": bottom - top + 40, "scale": 1}
        data = self.call("Page.captureScreenshot", session=self.session, format="png",
                         clip=clip)["data"]
        path.write_bytes(base64.b64decode(data))
        self.call("Emulation.setDeviceMetricsOverride", session=self.session, width=self.width,
                  height=self.height, deviceScaleFactor=1, mobile=False)

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._out, self._in):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def find_chromium(explicit: str | None = None) -> str | None:
    """Path of a Chromium/Chrome binary: --chromium, $CHROMIUM, or the first one on PATH."""
    for name in (explicit, os.environ.get("CHROMIUM"), *CHROMIUM_NAMES):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def overflows(slide: dict, width: int, height: int) -> list[str]:
    """Why a measured slide does not fit (empty when it fits)."""
    why = []
    if slide["height"] > height:
        why.append(f"{slide['height'] - height}px too tall")
    if slide["width"] > width:
        why.append(f"{slide['width'] - width}px too wide")
    why += sorted(set(slide["scrollers"]))
    return why


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def check_deck(browser: Chromium, deck: Path, shots: Path | None) -> dict:
    """Open one deck: screenshots of its title and first plot slide, every slide measured."""
    url = deck.resolve().as_uri()
    stem = deck.name.removesuffix(".slides.html")
    first_event = len(browser.events)
    report: dict = {"deck": deck.name, "screenshots": [], "overflowing": []}
    ready = browser.open(url + "#/0/0")
    if ready is None:
        report["error"] = "reveal.js never started (is build/slides/reveal.js/ there? run make slides)"
        return report
    time.sleep(1.0)  # let the entry transition and the controls settle
    if shots:
        path = shots / f"{stem}_title.png"
        browser.screenshot(path)
        report["screenshots"].append(_shown(path))
    measured = browser.evaluate(MEASURE_JS)
    width, height = measured["width"], measured["height"]
    report.update(size=[width, height], slides=len(measured["slides"]))
    report["scrolling"] = []
    for slide in measured["slides"]:
        why = overflows(slide, width, height)
        if why:
            report["overflowing"].append({**slide, "why": why})
        elif slide["scrolled"]:
            report["scrolling"].append(slide)
    # The first plot slide that fits on screen (else the first plot slide).
    plots = sorted((bool(overflows(s, width, height)), i) for i, s in enumerate(measured["slides"])
                   if s["plot"])
    report["plot_slides"] = len(plots)
    report["plot_slides_fitting"] = sum(not cut for cut, _ in plots)
    if shots and plots:
        chosen = measured["slides"][plots[0][1]]
        h, v = chosen["h"], chosen["v"]
        browser.open(f"{url}#/{h}/{v}")
        time.sleep(1.0)
        path = shots / f"{stem}_plot_{h}-{v}.png"
        browser.screenshot(path)
        report["screenshots"].append(_shown(path))
        if overflows(chosen, width, height):  # and the whole slide, to see what is cut off
            path = shots / f"{stem}_plot_{h}-{v}_whole.png"
            browser.screenshot_whole_slide(path, chosen["height"])
            report["screenshots"].append(_shown(path))
    # What the deck asked the network for, and what went wrong in its scripts.
    remote, errors = {}, []
    for event in browser.events[first_event:]:
        method, params = event["method"], event.get("params", {})
        if method == "Network.requestWillBeSent":
            request_url = params["request"]["url"]
            if not request_url.startswith(LOCAL_SCHEMES):
                remote[request_url] = params.get("type", "Other")
        elif method == "Runtime.exceptionThrown":
            d = params["exceptionDetails"]
            errors.append(d.get("exception", {}).get("description") or d.get("text", ""))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            if entry.get("url") not in remote:  # a failed remote load is listed already
                errors.append(entry["text"])
    report["remote_requests"] = [{"url": u, "type": t} for u, t in remote.items()]
    report["js_errors"] = sorted(set(e.splitlines()[0] for e in errors if e))
    return report


def print_report(reports: list[dict]) -> None:
    for r in reports:
        if "error" in r:
            print(f"{r['deck']}: ERROR {r['error']}")
            continue
        n = len(r["overflowing"])
        print(f"{r['deck']}: {r['slides']} slides at {r['size'][0]}x{r['size'][1]}, "
              f"{n} overflowing; {r['plot_slides_fitting']} of {r['plot_slides']} slides "
              f"with a plot fit")
        for s in r["overflowing"]:
            print(f"  #/{s['h']}/{s['v']} (slide {s['h'] + 1}.{s['v'] + 1}) "
                  f"{'; '.join(s['why'])}: {s['title']}")
        for s in r.get("scrolling", []):
            print(f"  fits with a scroll bar: #/{s['h']}/{s['v']} (slide {s['h'] + 1}.{s['v'] + 1}) "
                  f"in {', '.join(sorted(set(s['scrolled'])))}: {s['title']}")
        for req in r["remote_requests"]:
            kind = "warning" if req["type"] in ("Image", "Media") else "ERROR"
            print(f"  {kind}: loads {req['type'].lower()} from the network: {req['url']}")
        for err in r["js_errors"]:
            print(f"  JS error: {err}")
        for shot in r["screenshots"]:
            print(f"  screenshot: {shot}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("decks", nargs="*", type=Path,
                        help="decks to open (default: every build/slides/NN_*.slides.html)")
    parser.add_argument("--out", type=Path, default=SHOTS, help="folder for PNGs and report.json")
    parser.add_argument("--no-screenshots", action="store_true", help="only measure the slides")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any slide overflows")
    parser.add_argument("--chromium", help="Chromium binary (default: $CHROMIUM or chromium on PATH)")
    args = parser.parse_args(argv)

    decks = args.decks or sorted(SLIDES.glob("[0-9][0-9]_*.slides.html"))
    if not decks:
        print(f"no decks in {SLIDES}: run `make slides` first", file=sys.stderr)
        return 2
    binary = find_chromium(args.chromium)
    if binary is None:
        print("Chromium not found: `apt-get install chromium` (Debian) or pass --chromium PATH",
              file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    shots = None if args.no_screenshots else args.out
    started = time.monotonic()
    with Chromium(binary) as browser:
        reports = [check_deck(browser, deck, shots) for deck in decks]
    (args.out / "report.json").write_text(json.dumps(reports, indent=1, ensure_ascii=False))
    print_report(reports)
    total = sum(len(r.get("overflowing", [])) for r in reports)
    print(f"{len(reports)} decks, {sum(r.get('slides', 0) for r in reports)} slides, "
          f"{total} overflowing 1280x720; {time.monotonic() - started:.0f} s")
    broken = [r for r in reports if "error" in r
              or any(q["type"] not in ("Image", "Media") for q in r["remote_requests"])]
    return 1 if broken or (args.strict and total) else 0


if __name__ == "__main__":
    sys.exit(main())
