"""Non-deep baselines scored on the same folds: the guideline rule, an SVM and a random forest.

Features: QRS duration (ms), LBBB (0/1), heart rate (bpm). The rule is the ESC 2021 class I
indication: predict a responder iff LBBB and QRS >= 150 ms.
"""

from __future__ import annotations

import numpy as np

GUIDELINE_QRS_MS = 150.0
FEATURES = ("qrs_ms", "lbbb", "heart_rate_bpm")


def guideline_rule(x: np.ndarray) -> np.ndarray:
    """1.0 where LBBB and QRS >= 150 ms (ESC 2021 class I), else 0.0; x columns as FEATURES."""
    return ((x[:, 1] >= 0.5) & (x[:, 0] >= GUIDELINE_QRS_MS)).astype(np.float64)


def _impute(train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Missing values (nan) -> the training median of the column."""
    med = np.nanmedian(train, axis=0)
    med = np.where(np.isnan(med), 0.0, med)
    return np.where(np.isnan(train), med, train), np.where(np.isnan(test), med, test)


def fit_predict(name: str, x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray, seed: int) -> np.ndarray:
    """Responder scores for x_test from baseline `name` ('guideline', 'svm', 'random_forest')."""
    if name == "guideline":
        return guideline_rule(x_test)
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    x_train, x_test = _impute(x_train, x_test)
    smaller_class = int(np.bincount(np.asarray(y_train, dtype=int), minlength=2).min())
    if smaller_class < 2:  # nothing to learn from (a tiny cohort's fold): the training share of responders
        return np.full(len(x_test), float(np.mean(y_train)))
    if name == "svm":
        # Platt-scaled probabilities, as SVC(probability=True) gave (deprecated in scikit-learn 1.9, gone in 1.11);
        # the calibration folds shrink to the smaller class's size on a small cohort.
        svc = SVC(kernel="rbf", class_weight="balanced", random_state=seed)
        calibrated = CalibratedClassifierCV(svc, method="sigmoid", ensemble=False, cv=min(5, smaller_class))
        model = make_pipeline(StandardScaler(), calibrated)
    elif name == "random_forest":
        model = RandomForestClassifier(n_estimators=300, min_samples_leaf=2, class_weight="balanced", random_state=seed)
    else:
        raise ValueError(f"unknown baseline {name!r}")
    model.fit(x_train, y_train)
    return model.predict_proba(x_test)[:, list(model.classes_).index(1)]


BASELINES = ("guideline", "svm", "random_forest")
