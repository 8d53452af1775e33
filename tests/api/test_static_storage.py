"""Production static storage: hashed and compressed, and a third-party CSS's dead reference does not abort."""
from onestop.api.static_storage import ManifestStorage


def test_collecting_css_with_a_missing_reference_hashes_what_exists(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    storage = ManifestStorage(location=str(tmp_path), base_url="/static/")
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "here.woff2").write_bytes(b"font")
    (tmp_path / "fonts" / "fonts.css").write_text(
        "@font-face{src:url(here.woff2)} @font-face{src:url(Missing-Thin.woff2)}", encoding="utf-8")
    paths = {name: (storage, name) for name in ("fonts/here.woff2", "fonts/fonts.css")}
    results = list(storage.post_process(paths, dry_run=False))
    assert not [r for r in results if isinstance(r[2], Exception)]
    hashed_css = storage.stored_name("fonts/fonts.css")
    assert hashed_css != "fonts/fonts.css"
    css = (tmp_path / hashed_css).read_text(encoding="utf-8")
    assert storage.stored_name("fonts/here.woff2").split("/")[-1] in css  # the existing font: hashed name
    assert "url(Missing-Thin.woff2)" in css  # the dead reference: left as the package wrote it
