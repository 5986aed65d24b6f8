"""Cart exports (GE MUSE, Philips Sierra, HL7 aECG, SCP-ECG): the real files of shared/data/formats,
checked against independent decodings, and every kind of bad input refused with a plain message."""

from __future__ import annotations

import base64
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from defusedxml import ElementTree

from ecgcrt_gui.core.io import EcgReadError, read
from ecgcrt_gui.core.io.limb_leads import complete_limb_leads

TWELVE = {"I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"}
LIMB = ("III", "aVR", "aVL", "aVF")

# file, format, samples after the cart's trailing calibration pulse, leads derived here
REAL_FILES = [
    ("ge_muse/muse_ecg1.xml", "muse", 5000, LIMB),
    ("ge_muse/muse_ecg2.xml", "muse", 5000, LIMB),
    ("philips/129DYPRG.XML", "philips", 5264, ()),
    ("philips/3191723_ZZDEMOPTONLY_1-04_orig.xml", "philips", 5300, ()),
    ("philips/2020-5-18_15-48-11.xml", "philips", 5300, ()),  # UTF-16
    ("hl7_aecg/Example_aECG.xml", "aecg", 5000, ()),
    ("hl7_aecg/fda_subject1_0.xml", "aecg", 5000, ()),
    ("scp_ecg/Example.scp", "scp", 5000, ()),
]
# Names and IDs of the test patients and physicians in these files: never in what we keep.
IDENTIFYING = ("TEST 05", "TEST 04", "JAX01234", "JAX12345", "Doe", "123456", "ZZDEMOPTONLY", "Clark", "SBJ-123",
               "subject1", "1112010721168bdc", "1953-05-08", "1950-01-01", "1951-01-01", "xxxxxx")


@pytest.fixture(scope="module")
def formats(data: Path) -> Path:
    return data / "formats"


@pytest.mark.parametrize("name, fmt, n_samples, derived", REAL_FILES)
def test_real_file_opens_with_twelve_leads(formats: Path, name: str, fmt: str, n_samples: int,
                                           derived: tuple[str, ...]) -> None:
    record = read(formats / name)
    assert record.format == fmt
    assert set(record.leads) == TWELVE and len(record.leads) == 12
    assert record.fs == 500.0
    assert record.n_samples == n_samples
    assert record.signal.dtype == np.float32
    assert record.derived_leads == derived
    # mV: a resting 12-lead's QRS spans tenths of a mV to a few mV, never hundreds (uV) or thousandths (V)
    ptp = np.ptp(record.signal, axis=0)
    assert 0.1 < np.median(ptp) < 6.0
    assert record.meta["age"] > 0 and "acquired" in record.meta
    kept = json.dumps({"meta": record.meta, "reading": record.device_reading.to_dict()})
    assert not any(text in kept for text in IDENTIFYING)


def test_muse_stored_leads_match_an_independent_base64_decoding(formats: Path) -> None:
    path = formats / "ge_muse/muse_ecg1.xml"
    record = read(path)
    root = ElementTree.parse(path).getroot()
    rhythm = next(w for w in root.iter("Waveform") if w.findtext("WaveformType") == "Rhythm")
    for lead in rhythm.iter("LeadData"):
        counts = np.frombuffer(base64.b64decode(lead.findtext("WaveFormData")), dtype="<i2")
        assert lead.findtext("LeadAmplitudeUnits") == "MICROVOLTS"
        expected = counts * float(lead.findtext("LeadAmplitudeUnitsPerBit")) / 1000.0
        np.testing.assert_allclose(record.lead(lead.findtext("LeadID")), expected, atol=1e-6)
    i, ii = record.lead("I"), record.lead("II")
    np.testing.assert_allclose(record.lead("III"), ii - i, atol=1e-6)
    np.testing.assert_allclose(record.lead("aVR"), -(i + ii) / 2, atol=1e-6)
    np.testing.assert_allclose(record.lead("aVL"), i - ii / 2, atol=1e-6)
    np.testing.assert_allclose(record.lead("aVF"), ii - i / 2, atol=1e-6)


@pytest.mark.parametrize("name", ["philips/129DYPRG.XML", "philips/3191723_ZZDEMOPTONLY_1-04_orig.xml",
                                  "philips/2020-5-18_15-48-11.xml"])
def test_philips_matches_sierraecg_xli_decoder(formats: Path, name: str) -> None:
    import sierraecg

    path = formats / name
    record = read(path)
    other = sierraecg.read_file(str(path))
    text = path.read_bytes().decode("utf-16" if path.read_bytes()[:2] == b"\xff\xfe" else "utf-8")
    uv_per_count = float(re.search(r"<(?:signal)?resolution>\s*(\d+(\.\d+)?)", text).group(1))
    for lead in other.leads:
        expected = lead.samples[: record.n_samples] * uv_per_count / 1000.0
        np.testing.assert_allclose(record.lead(lead.label), expected, atol=1e-6)
        # what was cut is the calibration pulse: the same in every lead
        assert np.all(lead.samples[record.n_samples:] == other.leads[0].samples[record.n_samples:])


@pytest.mark.parametrize("name", ["hl7_aecg/Example_aECG.xml", "hl7_aecg/fda_subject1_0.xml"])
def test_hl7_matches_its_scaled_integer_sequences(formats: Path, name: str) -> None:
    path = formats / name
    record = read(path)
    ns = {"h": "urn:hl7-org:v3"}
    series = ElementTree.parse(path).getroot().find(".//h:series", ns)  # the first series is the rhythm
    checked = 0
    for component in series.iterfind("h:component/h:sequenceSet/h:component/h:sequence", ns):
        code = component.find("h:code", ns).get("code")
        if not code.startswith("MDC_ECG_LEAD_"):
            continue
        value = component.find("h:value", ns)
        origin, scale = float(value.find("h:origin", ns).get("value")), float(value.find("h:scale", ns).get("value"))
        assert value.find("h:scale", ns).get("unit") == "uV"
        digits = np.array(value.findtext("h:digits", namespaces=ns).split(), dtype=float)
        lead = {"AVR": "aVR", "AVL": "aVL", "AVF": "aVF"}.get(code[13:], code[13:])
        np.testing.assert_allclose(record.lead(lead), (origin + scale * digits) / 1000.0, atol=1e-6)
        checked += 1
    assert checked == 12


def test_scp_huffman_decoding_equals_the_same_recording_in_hl7(formats: Path) -> None:
    scp = read(formats / "scp_ecg/Example.scp")
    hl7 = read(formats / "hl7_aecg/Example_aECG.xml")
    assert scp.leads == hl7.leads
    np.testing.assert_allclose(scp.signal, hl7.signal, atol=2.5e-3)  # one 2.5 uV quantum
    i, ii = scp.lead("I"), scp.lead("II")
    np.testing.assert_allclose(scp.lead("III"), ii - i, atol=5e-3)  # stored, and consistent with Einthoven


def test_cart_readings_are_the_files_own(formats: Path) -> None:
    philips = read(formats / "philips/129DYPRG.XML").device_reading
    assert philips.qrs_duration_ms == 135 and philips.heart_rate_bpm == 41
    assert (philips.pr_ms, philips.qt_ms, philips.qrs_axis_deg) == (151, 476, -21)
    assert any(s.startswith("Nonspecific intraventricular conduction delay") for s in philips.statements)
    assert philips.patterns == ("IVCD",)  # "not LBBB/RBBB" in its qualifier is not read as LBBB
    assert philips.statements_source == "machine"

    lvh = read(formats / "philips/3191723_ZZDEMOPTONLY_1-04_orig.xml").device_reading
    assert lvh.qrs_duration_ms == 84 and lvh.qtc_ms == 417 and lvh.qtc_formula == "Bazett"
    assert any("PROBABLE LEFT VENTRICULAR HYPERTROPHY" in s for s in lvh.statements)
    assert read(formats / "philips/2020-5-18_15-48-11.xml").device_reading.statements[0].startswith("Sinus rhythm")

    muse = read(formats / "ge_muse/muse_ecg1.xml").device_reading
    assert muse.qrs_duration_ms == 78 and muse.heart_rate_bpm == 60 and muse.pr_ms == 158
    assert muse.statements[0] == "Ventricular-paced rhythm" and muse.statements_source == "confirmed"
    assert "Wide QRS rhythm" in muse.machine_statements  # the cart's own, before the physician's edit
    assert "paced" in muse.patterns
    assert not any(s.lower().startswith("confirmed by") for s in muse.statements)
    assert read(formats / "ge_muse/muse_ecg2.xml").device_reading.statements == (
        "Statement Text(22)", "Statement Text(1684)", "Statement Text(1300)")

    hl7 = read(formats / "hl7_aecg/Example_aECG.xml").device_reading
    assert (hl7.qrs_duration_ms, hl7.pr_ms, hl7.qt_ms, hl7.from_wave_boundaries) == (120, 148, 420, ())
    scp = read(formats / "scp_ecg/Example.scp").device_reading
    assert (scp.qrs_duration_ms, scp.pr_ms, scp.qt_ms) == (120, 148, 420)  # section 7's wave boundaries
    assert scp.from_wave_boundaries == ("qrs_duration_ms", "pr_ms", "qt_ms")


def test_content_decides_not_the_extension(tmp_path: Path, formats: Path) -> None:
    for name, fmt in (("ge_muse/muse_ecg1.xml", "muse"), ("philips/2020-5-18_15-48-11.xml", "philips"),
                      ("hl7_aecg/Example_aECG.xml", "aecg"), ("scp_ecg/Example.scp", "scp")):
        disguised = tmp_path / f"{fmt}.dat"
        shutil.copyfile(formats / name, disguised)
        assert read(disguised).format == fmt


def test_limb_leads_are_derived_only_where_missing() -> None:
    rng = np.random.default_rng(0)
    signal = rng.normal(size=(100, 4)).astype(np.float32)  # I, II, a stored III that is not II - I, V1
    out, leads, derived = complete_limb_leads(signal, ["I", "II", "III", "V1"])
    assert derived == ("aVR", "aVL", "aVF")
    assert leads == ["I", "II", "III", "aVR", "aVL", "aVF", "V1"]
    np.testing.assert_array_equal(out[:, 2], signal[:, 2])
    assert complete_limb_leads(signal[:, 1:], ["II", "III", "V1"])[2] == ()  # no I: nothing derived


def _muse_waveform(muse: bytes, kind: bytes) -> tuple[int, int]:
    for match in re.finditer(rb"<Waveform>.*?</Waveform>", muse, flags=re.S):
        if b"<WaveformType>" + kind in match.group(0):
            return match.span()
    raise AssertionError(kind)


def _bad_inputs(formats: Path) -> dict[str, tuple[bytes, str]]:
    """name -> (content, what the refusal must say), all made from the real files."""
    muse = (formats / "ge_muse/muse_ecg1.xml").read_bytes()
    philips = (formats / "philips/129DYPRG.XML").read_bytes()
    hl7 = (formats / "hl7_aecg/Example_aECG.xml").read_bytes()
    scp = (formats / "scp_ecg/Example.scp").read_bytes()
    start, end = _muse_waveform(muse, b"Rhythm")
    rhythm = muse[start:end]
    lead_v3 = re.findall(rb"<LeadData>.*?</LeadData>", rhythm, flags=re.S)[4]
    data = re.search(rb"<WaveFormData>(.*?)</WaveFormData>", lead_v3, flags=re.S)
    short_v3 = re.sub(rb"<Lead(ByteCountTotal|SampleCountTotal|DataCRC32)>\d+</Lead\w+>", b"", lead_v3).replace(
        data.group(1), base64.b64encode(base64.b64decode(data.group(1))[:8000]))
    first_data = re.search(rb"<WaveFormData>\s*", rhythm).end()
    doctype = (b'<?xml version="1.0"?>\n<!DOCTYPE %s [<!ENTITY a "aaaaaaaaaa">'
               + b"".join(b'<!ENTITY %c "%s">' % (c, (b"&%c;" % (c - 1)) * 10) for c in b"bcdefgh") + b"]>\n")
    xml_body = muse.split(b"?>", 1)[1]
    philips_data = philips.index(b">", philips.index(b"<parsedwaveforms")) + 1
    return {
        "muse_truncated.xml": (muse[: len(muse) // 2], "cut short"),
        "philips_truncated.xml": (philips[:30000], "cut short"),
        "aecg_truncated.xml": (hl7[:250000], "cut short"),
        "scp_truncated.scp": (scp[:20000], "damaged or incomplete"),
        "muse_not_well_formed.xml": (muse.replace(b"<Waveform>", b"<Waveform><<", 1), "not well-formed"),
        "muse_bomb.xml": (doctype % b"RestingECG" + xml_body.replace(b"<Site>", b"<Site>&h;", 1), "XML bomb"),
        "philips_bomb.xml": (doctype % b"restingecgdata" + philips.split(b"?>", 1)[1], "XML bomb"),
        "aecg_bomb.xml": (doctype % b"AnnotatedECG" + hl7.split(b"?>", 1)[1], "XML bomb"),
        "muse_external_entity.xml": (b'<?xml version="1.0"?>\n<!DOCTYPE RestingECG [<!ENTITY x SYSTEM '
                                     b'"file:///etc/passwd">]>\n' + xml_body.replace(b"<Site>", b"<Site>&x;", 1),
                                     "XML bomb"),
        "muse_bad_base64.xml": (muse[:start + first_data] + b"!!@@" + muse[start + first_data:], "Base64"),
        "muse_changed_samples.xml": (muse[:start + first_data] + b"AAAA" + muse[start + first_data + 4:],
                                     "checksum does not match"),
        "philips_bad_xli.xml": (philips[:philips_data + 200] + b"A" * 60 + philips[philips_data + 260:], "XLI"),
        "muse_unequal_leads.xml": (muse[:start] + rhythm.replace(lead_v3, short_v3) + muse[end:],
                                   "lead V3 (4000 samples) is not as long as the others (5000 samples)"),
        "muse_median_only.xml": (muse[:start] + muse[end:], "only the median"),
        "muse_no_waveform.xml": (re.sub(rb"<Waveform>.*?</Waveform>", b"", muse, flags=re.S), "no ECG waveform"),
        "philips_no_waveform.xml": (re.sub(rb"<parsedwaveforms.*?</parsedwaveforms>", b"", philips, flags=re.S),
                                    "no ECG waveform"),
        "aecg_no_waveform.xml": (re.sub(rb"<digits>.*?</digits>", b"", hl7, flags=re.S), "no ECG waveform"),
        "scp_zeroed.scp": (scp[:200] + bytes(len(scp) - 200), "damaged or incomplete"),
        "other.xml": (b'<?xml version="1.0"?><Invoice><Total/></Invoice>', "root element is <Invoice>"),
        "empty_document.xml": (b'<?xml version="1.0"?>\n', "ends before its first element"),
        "binary.xml": (bytes(range(256)) * 4, "does not hold XML"),
    }


def test_every_bad_input_is_refused_with_the_file_and_what_to_do(tmp_path: Path, formats: Path) -> None:
    for name, (content, says) in _bad_inputs(formats).items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(EcgReadError) as refused:
            read(path)
        message = str(refused.value)
        assert message.startswith(f"{name}: ") and says in message, message
        assert "\n" not in message and str(tmp_path) not in message
        assert re.search(r"\. (Export|Use) ", message), message  # and what to do


@pytest.mark.parametrize("name, says", [("invalid-doc-type.xml", "MortaraECG 1.03"),
                                        ("invalid-doc-version.xml", "SierraECG 1.05")])
def test_malformed_philips_files_are_refused(formats: Path, name: str, says: str) -> None:
    with pytest.raises(EcgReadError, match=rf"^{name}: this Philips XML file is of a version or document type .*"
                                           rf"{says}.*Export the ECG again as Philips Sierra XML"):
        read(formats / "philips" / name)
