"""``make serve``: a live preview that keeps up with the author.

One Sphinx application stays alive between rebuilds, so an edit costs only
what Sphinx's incremental build does (re-read the changed pages, resolve,
write the pages that changed), not a new process that loads every extension
and the pickled environment again.

- The build is as strict as ``make html`` (warnings are errors, nitpicky) and
  goes into a staging tree; only a build without warnings is copied to the
  served tree, so a mistake leaves the last good pages on screen while the
  console names its file and line (and the page shows a banner).
- A watcher over the reader's directory rebuilds on change; it skips the
  output, ``_build``, ``.venv``, ``node_modules``, ``src`` and whatever
  ``exclude_patterns`` excludes, except the files a page depends on (raw
  texts, the bibliography, data files). The extension's code (``src/``) is
  loaded once: a change to it or to ``conf.py`` needs a restart.
- A small static server on 127.0.0.1 serves the tree. Each HTML response (never
  the file on disk) gets a script that listens to ``/__reload`` (Server-Sent
  Events) and reloads the page when a newer good build is published.
"""

from __future__ import annotations

import argparse
import http.server
import json
import logging
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

RELOAD_PATH = "/__reload"
# Never written into the built files: added to HTML responses only. It
# compares the build it was served with to the latest one the server
# announces, so a build finished between page load and connection is not
# missed; a failed build shows a banner over the last good page.
RELOAD_SCRIPT = """<script>(function () {
  var served = %(generation)d;
  var events = new EventSource("%(path)s");
  events.addEventListener("state", function (message) {
    var state = JSON.parse(message.data);
    if (state.generation !== served) { location.reload(); return; }
    var banner = document.getElementById("reader-serve-banner");
    if (state.failed) {
      if (!banner) {
        banner = document.createElement("div");
        banner.id = "reader-serve-banner";
        banner.setAttribute("role", "status");
        banner.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:9999;" +
          "padding:.5em 1em;background:#8b0000;color:#fff;font:14px sans-serif";
        document.body.appendChild(banner);
      }
      banner.textContent = state.failed;
    } else if (banner) {
      banner.remove();
    }
  });
})();</script>
"""

# Never watched, whatever conf.py says: build output, tools, the extension's code.
SKIPPED_DIRS = ("_build", ".venv", "node_modules", "src", ".git")


class State:
    """What the browser is told: the generation of the served output (one
    more each time a build is copied to it) and why the latest build failed."""

    def __init__(self) -> None:
        self.generation = 0
        self.failed = ""
        self.changed = threading.Condition()

    def publish(self, output: bool, failed: str = "") -> None:
        """Announce a build: ``output`` if the served tree changed, ``failed``
        the reason the browser shows if the build had warnings."""
        with self.changed:
            self.generation += output
            self.failed = failed
            self.changed.notify_all()

    def message(self) -> bytes:
        data = json.dumps({"generation": self.generation, "failed": self.failed})
        return f"event: state\ndata: {data}\n\n".encode()


class Handler(http.server.SimpleHTTPRequestHandler):
    state: State  # set on the subclass made per server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the console is for build warnings

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] == RELOAD_PATH:
            self.events()
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir() and (path / "index.html").is_file() and self.path.endswith("/"):
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            self.html(path)
            return
        super().do_GET()

    def html(self, path: Path) -> None:
        body = path.read_bytes()
        script = RELOAD_SCRIPT % {"generation": self.state.generation, "path": RELOAD_PATH}
        at = body.rfind(b"</body>")
        at = len(body) if at < 0 else at
        body = body[:at] + script.encode() + body[at:]
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        state = self.state
        try:
            while True:
                with state.changed:
                    sent, message = (state.generation, state.failed), state.message()
                self.wfile.write(message)
                self.wfile.flush()
                if not self.wait(sent):
                    self.wfile.write(b": keep-alive\n\n")
        except OSError:
            return  # the page went away

    def wait(self, sent: tuple[int, str]) -> bool:
        """Wait until the state differs from ``sent``; False after 15 s without news."""
        state = self.state
        with state.changed:
            return state.changed.wait_for(
                lambda: (state.generation, state.failed) != sent, timeout=15
            )


def start_server(root: Path, host: str, port: int, state: State) -> http.server.HTTPServer:
    handler = type("ReaderHandler", (Handler,), {"state": state})

    def make(*args: Any, **kwargs: Any) -> Handler:
        return handler(*args, directory=str(root), **kwargs)

    server = http.server.ThreadingHTTPServer((host, port), make)
    server.daemon_threads = True  # open event streams never hold up the exit
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def files(root: Path) -> Iterator[tuple[str, os.stat_result]]:
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            yield os.path.relpath(path, root), os.stat(path)


class Mirror:
    """The served tree, a copy of the staging tree as of the last good build.
    Only what changed is copied (by size and modification time), each file
    swapped in by a rename, so a reader never sees half a page."""

    def __init__(self, staged: Path, served: Path) -> None:
        self.staged, self.served = staged, served
        self.known: dict[str, tuple[int, int]] = {}
        shutil.rmtree(served, ignore_errors=True)
        served.mkdir(parents=True)

    def sync(self) -> int:
        now: dict[str, tuple[int, int]] = {}
        copied = 0
        for name, stat in files(self.staged):
            now[name] = (stat.st_size, stat.st_mtime_ns)
            if self.known.get(name) != now[name]:
                target = self.served / name
                target.parent.mkdir(parents=True, exist_ok=True)
                incoming = target.with_name(f".{target.name}.incoming")
                shutil.copy2(self.staged / name, incoming)
                os.replace(incoming, target)
                copied += 1
        for name in self.known.keys() - now.keys():
            (self.served / name).unlink(missing_ok=True)
        self.known = now
        return copied


class Watched:
    """Which changed paths call for a rebuild."""

    def __init__(self, app: Any, outdirs: tuple[Path, ...]) -> None:
        from sphinx.util.matching import Matcher

        self.app = app
        self.srcdir = Path(app.srcdir)
        self.outdirs = outdirs
        self.excluded = Matcher([*app.config.exclude_patterns])

    def __call__(self, change: Any, path: str) -> bool:
        p = Path(path)
        if any(p.is_relative_to(out) for out in self.outdirs):
            return False
        try:
            relative = p.relative_to(self.srcdir)
        except ValueError:
            return False
        parts = relative.parts
        if not parts or parts[0] in SKIPPED_DIRS or any(part.startswith(".") for part in parts):
            return False
        if p.name.endswith(("~", ".swp", ".swx")) or p.name.startswith("#"):
            return False  # editors' own files
        prefixes = ("/".join(parts[: i + 1]) for i in range(len(parts)))
        if any(self.excluded(prefix) for prefix in prefixes):
            return p.resolve() in self.dependencies()
        return True

    def dependencies(self) -> set[Path]:
        found: set[Path] = set()
        for paths in self.app.env.dependencies.values():
            found.update(Path(self.srcdir, path).resolve() for path in paths)  # absolute
        return found


def make_app(srcdir: Path, staged: Path, doctrees: Path, fresh: bool) -> Any:
    from sphinx.application import Sphinx
    from sphinx.util.console import nocolor

    if not sys.stderr.isatty():
        nocolor()  # as sphinx-build does: no escape codes in a log

    # As strict as the build driver's html build (build.STRICT: -W --keep-going -n).
    return Sphinx(
        srcdir,
        srcdir,
        staged,
        doctrees,
        "html",
        confoverrides={"nitpicky": True},
        status=sys.stdout if sys.stdout.isatty() else None,
        warning=sys.stderr,
        warningiserror=True,
        freshenv=fresh,
    )


class Builds:
    """Incremental builds of one application. The pages read or written by a
    build with warnings are read again by the next build, whatever changed, so
    their warnings come back until they are fixed (Sphinx itself would only
    re-read what changed on disk, and a later build would look clean).
    A marker stays in the staging tree after a build with warnings or an
    interrupted one, and the next ``serve`` then starts afresh, as the build
    driver does (build.Stage)."""

    def __init__(self, app: Any, marker: Path) -> None:
        self.app = app
        self.marker = marker
        self.touched: set[str] = set()
        self.suspect: set[str] = set()
        # Assets as a new process has them. ``app.add_js_file`` in
        # html-page-context (one page's script) also lands in the registry,
        # and the last page's stays in the builder's list (reverted before
        # each page, not after): the next build's ``prepare_writing`` would
        # add them to every page.
        self.assets = (list(app.registry.js_files), list(app.registry.css_files))
        app.connect(
            "env-before-read-docs", lambda app, env, docnames: self.touched.update(docnames)
        )
        app.connect("doctree-resolved", lambda app, doctree, docname: self.touched.add(docname))

    def run(self) -> tuple[bool, float]:
        """One build; whether it had no warnings, and its time."""
        app = self.app
        app._warncount = 0  # counted per build: the application outlives many
        app.statuscode = 0
        app.registry.js_files[:], app.registry.css_files[:] = self.assets
        if hasattr(app.builder, "init_js_files"):  # the html builders
            app.builder.init_css_files()
            app.builder.init_js_files()
        app.env.reread_always.update(self.suspect & set(app.env.all_docs))
        self.touched = set()
        self.marker.write_text("a build with warnings, or unfinished\n", encoding="utf-8")
        start = time.perf_counter()
        try:
            app.build()
            ok = app.statuscode == 0 and app._warncount == 0
        except Exception as error:  # reported, and the preview goes on
            say(f"the build stopped: {type(error).__name__}: {error}")
            ok = False
        self.suspect = set() if ok else self.suspect | self.touched
        if ok:
            self.marker.unlink()
        return ok, time.perf_counter() - start


WARNED = ", with warnings (above); no clean build yet, so this one is served"


def say(message: str) -> None:
    print(f"serve: {message}", file=sys.stderr, flush=True)


def serve(srcdir: Path, outdir: Path, host: str, port: int) -> None:
    try:
        import watchfiles
    except ImportError:
        raise SystemExit("serve: watchfiles is not installed: pip install watchfiles") from None

    srcdir, outdir = srcdir.resolve(), outdir.resolve()
    stage = outdir.with_name(f".{outdir.name}.stage")
    staged, doctrees = stage / "html", stage / "doctrees"
    marker = stage / "serve.unfinished"
    fresh = marker.exists() or not doctrees.exists()
    stage.mkdir(parents=True, exist_ok=True)
    app = make_app(srcdir, staged, doctrees, fresh)
    mirror = Mirror(staged, outdir)
    state = State()
    say("first build" + (", a full one" if fresh else f", incremental from {stage}"))
    builds = Builds(app, marker)
    ok, seconds = builds.run()
    mirror.sync()
    state.publish(True, "" if ok else "The build has warnings: see the console.")
    say(f"built in {seconds:.1f} s{'' if ok else ', with warnings (above)'}")
    # Until one build is clean there is no good output to keep: every build is served.
    good = ok

    server = start_server(outdir, host, port, state)
    say(f"serving {outdir} on http://{host}:{server.server_port}/ (Ctrl-C to stop)")
    say("watching the reader's pages; after a change to conf.py or src/, restart")

    logging.getLogger("watchfiles").setLevel(logging.WARNING)  # we say what changed
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    watched = Watched(app, (outdir, stage))
    code_changed = False
    try:
        for changes in watchfiles.watch(
            srcdir, watch_filter=None, stop_event=stop, debounce=50, step=20, raise_interrupt=False
        ):
            relevant = sorted({path for change, path in changes if watched(change, path)})
            config = [p for p in relevant if Path(p).name == "conf.py"]
            if config and not code_changed:
                code_changed = True
                say("conf.py changed: restart `make serve` to use it")
            if not relevant:
                continue
            shown = ", ".join(os.path.relpath(p, srcdir) for p in relevant[:3])
            say(f"changed: {shown}{' …' if len(relevant) > 3 else ''}")
            ok, seconds = builds.run()
            good = good or ok
            if ok or not good:
                copied = mirror.sync()
                state.publish(True, "" if ok else "The build has warnings: see the console.")
                say(f"rebuilt in {seconds:.2f} s, {copied} files updated{'' if ok else WARNED}")
            else:
                state.publish(
                    False,
                    "The last build has warnings (see the console); this is the last good page.",
                )
                say(f"build with warnings ({seconds:.2f} s): still serving the last good output")
    finally:
        server.shutdown()
        server.server_close()
        say("stopped")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m annotated_reader.serve",
        description="Live preview: rebuild on every change and reload the browser.",
    )
    parser.add_argument("srcdir", nargs="?", default=".", type=Path)
    parser.add_argument("--outdir", default=Path("_build/serve"), type=Path)
    parser.add_argument("--host", default="127.0.0.1", choices=["127.0.0.1"])
    parser.add_argument("--port", default=8000, type=int)
    args = parser.parse_args(argv)
    if not (args.srcdir / "conf.py").is_file():
        parser.error(f"no conf.py in {args.srcdir.resolve()}: run it in the reader's directory")
    try:
        serve(args.srcdir, args.outdir, args.host, args.port)
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
