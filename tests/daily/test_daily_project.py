"""digest.toml: the example loads, typos and bad values are errors, paths follow the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.daily.project import EXAMPLE, find_project, load_project, write_example
from digest.errors import ConfigError


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "digest.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_is_valid_and_documents_every_setting(tmp_path: Path) -> None:
    project = load_project(write_example(tmp_path))
    assert project.window == "since-last-run" and project.max_hours == 24
    assert project.no_news == "write" and project.stories == 5
    from digest.daily.project import Project

    documented = {line.lstrip("# ").split(" ")[0] for line in EXAMPLE.splitlines() if "=" in line}
    assert set(Project.model_fields) <= documented


def test_relative_paths_are_resolved_against_the_file_not_the_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, 'sources = ["in", "https://example.org/rss.xml"]\n'
                            'output_dir = "out"\nstore = "db"\n')
    monkeypatch.chdir("/")
    project = load_project(path)
    assert project.sources == [str(tmp_path / "in"), "https://example.org/rss.xml"]
    assert project.output_dir == tmp_path / "out" and project.store == tmp_path / "db"
    assert project.runs_file == tmp_path / ".digest" / "runs.jsonl"


@pytest.mark.parametrize(("text", "fragment"), [
    ("storys = 3\n", "storys"),  # a typo is an error, not a silently ignored setting
    ('timezone = "Mars/Olympus"\n', "unknown time zone"),
    ('window = "week"\n', "window"),
    ("stories = 0\n", "stories"),
    ('no_news = "maybe"\n', "no_news"),
    ("sources = [\n", "not valid TOML"),
])
def test_invalid_project_files_name_the_problem(tmp_path: Path, text: str, fragment: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError, match=fragment) as caught:
        load_project(path)
    assert str(path) in str(caught.value)


def test_find_project_uses_config_or_cwd_and_explains_absence(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="digest init"):
        find_project(None, tmp_path)
    path = _write(tmp_path, "")
    assert find_project(None, tmp_path) == path
    assert find_project(tmp_path, Path("/")) == path  # a directory given to --config
    with pytest.raises(ConfigError, match="--config"):
        find_project(tmp_path / "other.toml", tmp_path)


def test_init_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    path = _write(tmp_path, "stories = 2\n")
    with pytest.raises(ConfigError, match="already exists"):
        write_example(path)
    write_example(path, force=True)
    assert path.read_text() == EXAMPLE
