"""The committed Streamlit configuration, as Streamlit itself reads it: local, silent, bounded."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from turquesa_geo.cli import build_parser, streamlit_options
from turquesa_geo.cooperation import CONTACTS_ENV
from turquesa_geo.i18n import LANG_ENV
from turquesa_geo.store.connection import DB_ENV

ROOT = Path(__file__).resolve().parent.parent
OPTIONS = (
    "server.address",
    "server.headless",
    "server.maxUploadSize",
    "server.enableXsrfProtection",
    "server.enableCORS",
    "browser.gatherUsageStats",
    "browser.serverAddress",
    "global.developmentMode",
)


def _effective_options() -> dict[str, object]:
    """The options a `streamlit run` from the project folder gets (read in a fresh process)."""
    code = (
        "import json; from streamlit import config; config.get_config_options(force_reparse=True); "
        f"print(json.dumps({{k: config.get_option(k) for k in {list(OPTIONS)!r}}}))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _page_upload_limit() -> int:
    tree = ast.parse((ROOT / "pages" / "import_files.py").read_text())
    return next(
        node.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "MAX_UPLOAD_MB"
    )


def test_streamlit_serves_this_machine_only_and_sends_no_usage_statistics():
    options = _effective_options()
    assert options["server.address"] == "127.0.0.1"
    assert options["browser.serverAddress"] == "127.0.0.1"
    assert options["browser.gatherUsageStats"] is False
    assert options["server.headless"] is True
    assert options["server.enableXsrfProtection"] is True
    assert options["global.developmentMode"] is False


def test_upload_limit_is_the_same_in_the_server_and_on_the_import_page():
    assert _effective_options()["server.maxUploadSize"] == _page_upload_limit() == 200


def test_turquesa_serve_binds_to_this_machine_by_default():
    args = build_parser().parse_args(["serve"])
    assert args.address == "127.0.0.1"


def test_no_raw_html_anywhere_in_the_app():
    """No page or helper renders raw HTML: no unsafe_allow_html, st.html or components.html."""
    offenders = []
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "turquesa_ui").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.keyword) and node.arg == "unsafe_allow_html":
                offenders.append(f"{path.name}:{node.value.lineno} unsafe_allow_html")
            if isinstance(node, ast.Attribute) and node.attr == "html":
                offenders.append(f"{path.name}:{node.lineno} .html")
    assert offenders == []


def test_the_html_check_would_catch_one():
    tree = ast.parse('st.markdown(x, unsafe_allow_html=True)\nst.html("<b>")')
    keywords = [n for n in ast.walk(tree) if isinstance(n, ast.keyword) and n.arg == "unsafe_allow_html"]
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "html"]
    assert len(keywords) == 1 and len(calls) == 1


def test_turquesa_serve_puts_the_committed_settings_in_force_from_any_working_folder(tmp_path):
    """Streamlit's own command line, given what `turquesa serve` runs, in a folder with no .streamlit/ (as from a wheel)."""
    # The server is replaced by a print of the options in force once Streamlit has parsed the flags.
    code = (
        "import json, sys; from streamlit import config; from streamlit.web import bootstrap, cli; "
        "from turquesa_geo.cli import serve_command; "
        f"bootstrap.run = lambda *a, **k: print(json.dumps({{k: config.get_option(k) for k in {list(OPTIONS)!r}}})); "
        "cli.main(serve_command('127.0.0.1', 8501)[3:], standalone_mode=False)"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == _effective_options()


def test_every_setting_of_the_committed_config_is_passed_by_turquesa_serve():
    committed = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    names = {f"{section}.{name}" for section, values in committed.items() for name in values}
    assert names <= set(streamlit_options("127.0.0.1", 8501))


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [name for name in (DB_ENV, LANG_ENV, CONTACTS_ENV) if f"| `{name}` |" not in readme] == []
