"""The demonstration CRT cohort: real PTB-XL and LUDB ECGs, SIMULATED responses.

No public data set pairs ECGs with CRT outcomes. Inclusion follows the guidelines: QRS > 120 ms
as measured by OUR delineation. LBBB comes from each database's own label (PTB-XL scp_codes
CLBBB; LUDB "Complete left bundle branch block"). Each patient's response is drawn from
P(response | LBBB, QRS) obtained by Bayes' rule from the seed paper's Table 1 (He et al.),
assuming LBBB and QRS duration independent given response, with a fixed seed.
"""

from __future__ import annotations

import ast
import csv
import io as _io
import math
from pathlib import Path

import numpy as np

from ecgcrt_gui.core.config import DEFAULT_CONFIG, PreprocessConfig
from training.datasets.cohort_features import all_features

# Seed paper, Table 1.
PRIOR_RESPONDER = 0.648
P_LBBB_GIVEN_R = 0.957
P_LBBB_GIVEN_NR = 0.520
QRS_R = (179.4, 19.8)  # mean, SD in ms
QRS_NR = (158.4, 23.7)
QRS_INCLUSION_MS = 120.0
DEFAULT_SEED = 20240
COLUMNS = ("record", "patient", "source", "qrs_ms", "lbbb", "sex", "p_response", "response")


def _normal_pdf(x: float, mean: float, sd: float) -> float:
    return math.exp(-0.5 * ((x - mean) / sd) ** 2) / (sd * math.sqrt(2 * math.pi))


def p_response(lbbb: bool, qrs_ms: float) -> float:
    """P(response | LBBB, QRS) by Bayes' rule, LBBB and QRS independent given response."""
    like_r = (P_LBBB_GIVEN_R if lbbb else 1 - P_LBBB_GIVEN_R) * _normal_pdf(qrs_ms, *QRS_R)
    like_nr = (P_LBBB_GIVEN_NR if lbbb else 1 - P_LBBB_GIVEN_NR) * _normal_pdf(qrs_ms, *QRS_NR)
    joint_r = PRIOR_RESPONDER * like_r
    return joint_r / (joint_r + (1 - PRIOR_RESPONDER) * like_nr)


def ptbxl_candidates(data: Path) -> list[dict]:
    """PTB-XL records present under data/ptbxl, with patient id, CLBBB label and sex."""
    out = []
    with open(data / "ptbxl" / "ptbxl_database.csv", newline="") as f:
        for row in csv.DictReader(f):
            rel = Path("ptbxl") / row["filename_hr"]
            if not (data / f"{rel}.hea").exists():
                continue
            codes = ast.literal_eval(row["scp_codes"])
            out.append({
                "record": f"{rel.as_posix()}.hea",
                "patient": f"ptbxl:{int(float(row['patient_id']))}",
                "source": "ptbxl",
                "lbbb": int("CLBBB" in codes),
                "sex": "F" if row["sex"] == "1" else "M",  # PTB-XL: 0 male, 1 female
            })
    return out


def ludb_candidates(data: Path) -> list[dict]:
    """LUDB records, with the diagnosis 'Complete left bundle branch block' from the header."""
    out = []
    folder = data / "ludb" / "data"
    for hea in sorted(folder.glob("*.hea"), key=lambda p: int(p.stem)):
        text = hea.read_text(errors="replace")
        sex = next((ln.split(":", 1)[1].strip() for ln in text.splitlines() if ln.startswith("#<sex>")), "")
        out.append({
            "record": f"ludb/data/{hea.name}",
            "patient": f"ludb:{hea.stem}",
            "source": "ludb",
            "lbbb": int("Complete left bundle branch block" in text),
            "sex": sex if sex in ("M", "F") else "",
        })
    return out


def build_demo_cohort(
    data: Path, seed: int = DEFAULT_SEED, cfg: PreprocessConfig = DEFAULT_CONFIG, workers: int = 1
) -> list[dict]:
    """Rows of the demonstration cohort: included patients with simulated responses."""
    candidates = ptbxl_candidates(data) + ludb_candidates(data)
    features = all_features([data / c["record"] for c in candidates], cfg, workers)
    return draw_responses([{**c, "qrs_ms": float(f["qrs_ms"])} for c, f in zip(candidates, features)], seed)


def draw_responses(measured: list[dict], seed: int) -> list[dict]:
    """Keep rows with qrs_ms > 120 and draw each response from p_response with `seed`."""
    rng = np.random.default_rng(seed)
    rows = []
    for cand in measured:
        qrs = round(float(cand["qrs_ms"]), 1)  # as the CSV states it, so that p_response can be redrawn from it
        if not qrs > QRS_INCLUSION_MS:  # also drops nan (not measurable)
            continue
        p = p_response(bool(int(cand["lbbb"])), qrs)
        rows.append({**cand, "qrs_ms": f"{qrs:.1f}", "p_response": f"{p:.4f}", "response": int(rng.random() < p)})
    return rows


def header(seed: int, cfg: PreprocessConfig) -> str:
    """The comment header that states how the cohort was generated."""
    return "\n".join([
        "# ECG-CRT demonstration cohort. ECGs are REAL (PTB-XL records 1-500, LUDB 200); CRT responses are SIMULATED.",
        "# Inclusion: QRS duration > 120 ms as measured by ecgcrt_gui.core.signal.delineate (qrs_ms).",
        "# lbbb: the database's label (PTB-XL scp_codes CLBBB; LUDB 'Complete left bundle branch block').",
        "# p_response = P(response | lbbb, qrs_ms) by Bayes' rule from He et al. Table 1: P(R) = 0.648,",
        "#   P(LBBB|R) = 0.957, P(LBBB|NR) = 0.520, QRS|R ~ N(179.4, 19.8), QRS|NR ~ N(158.4, 23.7) ms,",
        "#   LBBB and QRS assumed independent given response. response ~ Bernoulli(p_response), one numpy",
        "#   default_rng(seed) draw per included row in file order.",
        f"# seed: {seed}",
        f"# preprocessing_digest: {cfg.digest()}",
        "# root: data",
        "# demonstration: true",
        "# Rebuild: python -m training cohort --seed " + str(seed),
    ]) + "\n"


def cohort_csv_text(rows: list[dict], seed: int, cfg: PreprocessConfig = DEFAULT_CONFIG) -> str:
    buf = _io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return header(seed, cfg) + buf.getvalue()


