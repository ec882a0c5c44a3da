"""Run the shipped suite (evals/suites/neus.toml) against the loopback LLM stub and print the
figures: the Markdown table, cold vs cached wall time, and the CI gate catching a planted prompt
regression. Not a test: a benchmark for a human to read (see evals/README.md).

The "LLM" is tests/eval/suite_stub.py behind tests/llm/openai_stub.py: real HTTP through the
real openai client, answering each writer request with the first sentence of every passage it
was shown, cited to that passage. The planted regression is a prompt directory whose system
prompt makes the stub cite the first passage for every sentence.

    python evals/suites/run_neus.py                  # 30 NeuS clusters + the sample corpus
    python evals/suites/run_neus.py --limit 3        # a quick look
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SUITE = REPO / "evals" / "suites" / "neus.toml"
sys.path.insert(0, str(REPO / "tests" / "eval"))

from suite_stub import planted_prompts, start_stub  # noqa: E402


def out(text: str) -> None:
    sys.stdout.write(text + "\n")


def _digest(args: list[str], env: dict[str, str]) -> tuple[int, str, float]:
    started = time.perf_counter()
    done = subprocess.run([str(REPO / ".venv" / "bin" / "digest"), *args], env=env,
                          capture_output=True, text=True, check=False)
    return done.returncode, done.stdout + done.stderr, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--keep-cache", action="store_true", help="no cold run: reuse the cache")
    args = parser.parse_args()
    limit = ["--limit", str(args.limit)] if args.limit else []
    cache = REPO / "out" / "eval-cache" / "neus"
    if not args.keep_cache:
        shutil.rmtree(cache, ignore_errors=True)
    stub = start_stub()
    work = Path(tempfile.mkdtemp(prefix="digest-suite-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DIGEST_", "OPENAI_"))}
    env |= {"OPENAI_BASE_URL": stub.base_url, "OPENAI_API_KEY": "stub",
            "DIGEST_HOME": str(work / "home")}
    try:
        code, output, cold = _digest(["eval", "run", str(SUITE), *limit], env)
        out(output[-3000:])
        if code != 0:
            sys.exit(f"suite run failed (exit {code})")
        _, output, cached = _digest(["eval", "run", str(SUITE), *limit], env)
        out(f"cold run: {cold:.1f} s   cached re-run: {cached:.1f} s (process wall time)")
        report = REPO / "out" / "eval-neus" / "report.md"
        out(report.read_text(encoding="utf-8"))

        # CI gate: the same suite with a prompt change that breaks citations, vs the baseline
        planted = planted_prompts(work / "planted")
        changed = work / "neus-planted.toml"
        text = SUITE.read_text(encoding="utf-8").replace("../../", f"{REPO}/")
        text = text.replace('name = "llm"\nwriter = "llm"\n',
                            f'name = "llm"\nwriter = "llm"\nprompts = "{planted}"\n')
        text = text.replace(f'output_dir = "{REPO}/out/eval-neus"',
                            f'output_dir = "{work}/planted-out"')
        changed.write_text(text, encoding="utf-8")
        code, output, _ = _digest([
            "eval", "run", str(changed), *limit,
            "--baseline", str(REPO / "out" / "eval-neus" / "results.json"),
            "--max-regression", "citation_recall=0.05",
            "--fail-under", "extractive:citation_recall=0.9"], env)
        out(f"planted prompt regression -> exit {code}")
        out("\n".join(line for line in output.splitlines()
                      if line.startswith(("FAIL", "ok", "note"))))
    finally:
        stub.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
