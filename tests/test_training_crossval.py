"""`python -m training crossval` end to end on a tiny cohort of real LUDB ECGs whose answer is known."""

from __future__ import annotations

import json

import numpy as np
import pytest

from training.cli import run
from training.crossval import best_depth

N = 12


@pytest.fixture(scope="module")
def result(tmp_path_factory, ludb):
    """Responders are exactly the rows given LBBB and QRS >= 150 ms: the guideline rule is perfect."""
    folder = tmp_path_factory.mktemp("cv")
    rows = ["record,response,lbbb,qrs_ms"]
    for i in range(1, N + 1):
        responder = i % 3 == 0
        rows.append(f"{ludb / f'{i}.hea'},{int(responder)},{int(responder or i % 4 == 0)},{160 if responder else 130 + i}")
    (folder / "tiny.csv").write_text("\n".join(rows) + "\n")
    out = run(["crossval", "--cohort", str(folder / "tiny.csv"), "--results", str(folder), "--device", "cpu",
               "--depths", "18", "--folds", "2", "--repeats", "2", "--epochs", "1", "--beats-per-epoch", "16",
               "--batch-size", "16", "--bootstrap", "100", "--workers", "1"])
    return folder, out


def test_table_2_rows_columns_and_intervals(result):
    folder, out = result
    assert set(out["pooled"]) == {"guideline", "svm", "random_forest", "resnet18_transfer", "resnet18_scratch"}
    assert len(out["folds"]) == 4 and {f["repeat"] for f in out["folds"]} == {1, 2}
    guideline = out["pooled"]["guideline"]
    assert guideline["auc"] == {"estimate": 1.0, "ci_low": 1.0, "ci_high": 1.0}
    assert out["summary"]["guideline"]["accuracy"] == {"mean": 1.0, "sd": 0.0, "n_folds": 4}
    for method, figures in out["pooled"].items():
        for key, f in figures.items():
            assert f["ci_low"] <= f["estimate"] <= f["ci_high"], (method, key)
    scores = np.array(out["out_of_fold"]["scores"]["resnet18_transfer"])
    assert scores.shape == (2, N) and not np.isnan(scores).any()  # every patient scored once per repeat
    paired = out["transfer_vs_scratch"]["18"]["auc"]
    assert 0 <= paired["p_value_permutation"] <= 1 and paired["ci_low"] <= paired["estimate"] <= paired["ci_high"]
    assert best_depth(out) == 18


def test_results_json_and_plots_are_written(result):
    folder, out = result
    saved = json.loads((folder / "tiny.json").read_text() if (folder / "tiny.json").exists()
                       else (folder / "crossval_tiny.json").read_text())
    assert saved["pooled"] == out["pooled"]
    for name in ("crossval_tiny_roc.png", "crossval_tiny_calibration.png"):
        assert (folder / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_reproduce_reduces_the_deeper_resnets_on_a_cpu_and_says_so():
    from training import reproduce
    from training.options import command_parser

    plan = reproduce.steps(command_parser(reproduce).parse_args(["--device", "cpu"]))
    pre = [" ".join(c) for c in plan["pretrain-all"]]
    assert [c.split("--depth ")[1].split()[0] for c in pre] == ["18", "50", "101"]
    assert "--epochs 8 --beats-per-epoch 15000" in pre[0] and "--epochs 1 --beats-per-epoch 2000" in pre[2]
    # each depth's DS1 cross-validation (its calibration) runs at the scale of the bundle it calibrates
    cv_pre = [" ".join(c) for c in plan["pretrain-cv"]]
    assert [c.replace("--split ds1-cv", "--split all") for c in cv_pre] == [c.split(" --export")[0] for c in pre]
    # the inter- and intra-patient splits are the bundled ResNet-18's alone on a CPU
    for split in ("pretrain-inter", "pretrain-intra"):
        assert [c[c.index("--depth") + 1] for c in plan[split]] == ["18"]
    cv = " ".join(plan["crossval"][0])
    assert "--depths 18 50 101" in cv and "--epochs-by-depth 50=2 101=2 --beats-by-depth 50=600 101=200" in cv
    assert f"--repeats {reproduce.CPU_REPEATS} " in cv + " "
    assert "--choose-depth" in plan["finetune"][0]
    full = reproduce.steps(command_parser(reproduce).parse_args(["--device", "cpu", "--full-scale"]))
    assert "--epochs-by-depth" not in " ".join(full["crossval"][0]) and " ".join(full["crossval"][0]).endswith("--repeats 5")
    assert len(full["pretrain-intra"]) == len(full["pretrain-inter"]) == 3


def test_a_reduced_cpu_rebuild_leaves_the_intra_patient_split_out_unless_asked():
    from training import reproduce
    from training.options import command_parser

    def chosen(*argv: str) -> list[str]:
        return reproduce.chosen_steps(command_parser(reproduce).parse_args(list(argv)))

    assert chosen("--device", "cpu") == [s for s in reproduce.STEPS if s != "pretrain-intra"]
    assert chosen("--device", "cpu", "--depths", "18") == chosen("--device", "cpu")
    assert chosen("--device", "cpu", "--full-scale") == list(reproduce.STEPS)
    assert chosen("--device", "cpu", "--steps", "pretrain-intra", "pretrain-all") == ["pretrain-intra", "pretrain-all"]
    # the plan still holds the step, so that --steps pretrain-intra runs it at the bundled depth
    plan = reproduce.steps(command_parser(reproduce).parse_args(["--device", "cpu"]))
    assert [c[c.index("--split") + 1] for c in plan["pretrain-intra"]] == ["intra"]


def test_the_card_takes_a_splits_figures_only_from_a_run_of_the_same_recipe(tmp_path, capsys):
    from training import pretrain
    from training.options import command_parser, train_options
    from training.results_io import write_json

    args = command_parser(pretrain).parse_args(["--results", str(tmp_path), "--epochs", "8", "--seed", "0"])
    opts = train_options(args)
    assert pretrain.card_metrics(args, opts, "intra") == {}  # no results file
    same = {"options": pretrain._options(args, opts), "test": {"accuracy": 0.988}}
    write_json(pretrain.results_path(args, "intra"), {**same, "options": {**same["options"], "seed": 3}})
    assert pretrain.card_metrics(args, opts, "intra")["test"] == {"accuracy": 0.988}  # another seed: same recipe
    write_json(pretrain.results_path(args, "intra"), {**same, "options": {**same["options"], "epochs": 3}})
    assert pretrain.card_metrics(args, opts, "intra") == {}
    assert "run with other options (epochs)" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="other options"):
        write_json(pretrain.results_path(args, "ds1-cv"), {**same, "options": {**same["options"], "epochs": 3}})
        pretrain.ds1_calibration(args, opts)


def test_the_depth_is_chosen_by_cross_validation_within_the_installer_budget(tmp_path):
    from training import finetune
    from training.options import command_parser

    auc = {18: 0.80, 50: 0.86, 101: 0.84}
    metrics = {"options": {"depths": [18, 50, 101]},
               "pooled": {f"resnet{d}_transfer": {"auc": {"estimate": a, "ci_low": a - 0.1, "ci_high": a + 0.1}}
                          for d, a in auc.items()}}
    args = command_parser(finetune).parse_args(["--out", str(tmp_path / "m"), "--choose-depth",
                                                "--optional-out", str(tmp_path / "opt")])
    plan = finetune.depth_plan(args, metrics)
    assert [(d, out.name) for d, out, _ in plan] == [(50, "opt"), (18, "m")]
    assert plan[1][2]["chosen_depth"] == 50 and plan[1][2]["bundled_depth"] == 18 and "optional" in plan[1][2]["note"]
    auc[18] = 0.9
    metrics["pooled"]["resnet18_transfer"]["auc"]["estimate"] = 0.9
    assert [(d, out.name) for d, out, _ in finetune.depth_plan(args, metrics)] == [(18, "m")]


def test_a_missing_pretrained_depth_is_said_before_any_training(tmp_path):
    with pytest.raises(SystemExit, match="no pre-trained beat classifier for transfer at depth 50, 101"):
        run(["crossval", "--results", str(tmp_path), "--pretrained", str(tmp_path / "none_{depth}.pt"),
             "--depths", "50", "101"])
    assert list(tmp_path.iterdir()) == []
