#!/usr/bin/env python3
"""The Python module against the ner binary: the same entities as `ner tag` byte for byte, the same n-best paths and
scores, the same model bytes from ner.train as from `ner train`, errors raised as ner.Error, tag_many on 2 threads as
on 1, and no memory growth over 10,000 calls.
Usage: python_test.py NER_BINARY SOURCE_DIR, with the module's folder on PYTHONPATH (ctest sets it)."""
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import ner

NER = SOURCE = None
COMPACT = {"ensure_ascii": False, "separators": (",", ":")}


def run_ner(*args, stdin=None):
    result = subprocess.run([NER, *args], input=stdin, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"ner {' '.join(args)} failed: {result.stderr}")
    return result.stdout


def sample_lines():
    with open(os.path.join(SOURCE, "examples", "sample.txt"), encoding="utf-8") as f:
        return f.read().splitlines()


def without_confidence(entities):
    return [{k: v for k, v in e.items() if k != "confidence"} for e in entities]


def rss_kb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


class TaggerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tagger = ner.Tagger(threads=1)
        cls.lines = sample_lines()

    def test_default_model_is_the_shipped_one(self):
        self.assertEqual(os.path.realpath(self.tagger.model), os.path.join(os.path.realpath(SOURCE), "models", "msra.model"))
        self.assertIn("PER", json.dumps(self.tagger.info))
        self.assertEqual(ner.Tagger(pathlib.Path(self.tagger.model), threads=1).tag("北京"), self.tagger.tag("北京"))

    def test_same_entities_as_ner_tag_byte_for_byte(self):
        expected = run_ner("tag", "--model", self.tagger.model, os.path.join(SOURCE, "examples", "sample.txt")).splitlines()
        self.assertEqual(len(expected), len(self.lines))
        for line, written in zip(self.lines, expected):
            mine = '{"text":' + json.dumps(line, **COMPACT) + ',"entities":' + json.dumps(self.tagger.tag(line), **COMPACT) + "}"
            self.assertEqual(mine, written)
        self.assertGreater(sum(len(self.tagger.tag(line)) for line in self.lines), 10)
        many = self.tagger.tag_many(iter(self.lines))
        self.assertEqual([json.loads(w)["entities"] for w in expected], many)

    def test_a_dictionary_as_ner_tag_uses_it(self):
        with tempfile.TemporaryDirectory() as folder:
            path = pathlib.Path(folder, "d.tsv")
            path.write_text("字节跳动\tORG\n", encoding="utf-8")
            text = "字节跳动发布了新产品。"
            expected = json.loads(run_ner("tag", "--dictionary", str(path), stdin=text + "\n"))["entities"]
            self.assertEqual(expected, [{"start": 0, "end": 4, "type": "ORG", "text": "字节跳动"}])
            self.assertEqual(ner.Tagger(threads=1, dictionary=path).tag(text), expected)
            self.assertEqual(ner.Tagger(threads=1, dictionary=str(path), dictionary_mode="prefer").tag(text), expected)
            with self.assertRaisesRegex(ValueError, "dictionary_mode must be 'force' or 'prefer'"):
                ner.Tagger(threads=1, dictionary=path, dictionary_mode="always")
            path.write_text("字节跳动\tCOMPANY\n", encoding="utf-8")
            with self.assertRaisesRegex(ner.Error, "type COMPANY is not one the model tags"):
                ner.Tagger(threads=1, dictionary=path)

    def test_offsets_index_the_python_string(self):
        text = "记者：李克强在北京会见了联合国秘书长潘基文。"
        for entity in self.tagger.tag(text):
            self.assertEqual(text[entity["start"]:entity["end"]], entity["text"])

    def test_confidences_and_nbest_as_ner_tag_gives_them(self):
        line = self.lines[0]
        written = json.loads(run_ner("tag", "--model", self.tagger.model, "--confidence", "--nbest", "3", stdin=line + "\n"))
        entities = self.tagger.tag(line, confidence=True)
        self.assertEqual(without_confidence(entities), without_confidence(written["entities"]))
        for mine, theirs in zip(entities, written["entities"]):
            self.assertAlmostEqual(mine["confidence"], theirs["confidence"], delta=1e-6)
        paths = self.tagger.nbest(line, 3)
        self.assertEqual(len(paths), 3)
        self.assertEqual([p["entities"] for p in paths], [without_confidence(p["entities"]) for p in written["nbest"]])
        for mine, theirs in zip(paths, written["nbest"]):
            self.assertAlmostEqual(mine["probability"], theirs["probability"], delta=1e-6)
        self.assertGreaterEqual(paths[0]["probability"], paths[1]["probability"])
        kept = self.tagger.tag(line, min_confidence=0.99)
        self.assertTrue(all(e["confidence"] >= 0.99 for e in kept))
        self.assertLess(len(kept), len(entities) + 1)

    def test_tag_many_on_two_threads_equals_one(self):
        texts = [a + b for a in self.lines for b in self.lines] + ["", " ", "abc", "北" * 600]
        one = self.tagger.tag_many(texts, confidence=True)
        two = ner.Tagger(self.tagger.model, threads=2).tag_many(texts, confidence=True)
        self.assertEqual(one, two)
        # Alone, a text's entities are the same; its confidences differ by rounding only (other padding).
        alone = [self.tagger.tag(t, confidence=True) for t in texts[:20]]
        self.assertEqual([without_confidence(e) for e in one[:20]], [without_confidence(e) for e in alone])
        for batched, single in zip(sum(one[:20], []), sum(alone, [])):
            self.assertAlmostEqual(batched["confidence"], single["confidence"], delta=1e-9)

    def test_tag_many_lets_other_threads_run(self):
        def spin_while(thread):  # loop iterations of this thread while `thread` runs, and its seconds
            start, spins = time.perf_counter(), 0
            thread.start()
            while thread.is_alive():
                spins += 1
            return spins, time.perf_counter() - start
        spins, seconds = spin_while(threading.Thread(target=time.sleep, args=(0.3,)))
        rate = spins / seconds  # spins per second with the GIL free
        texts = self.lines * 1000
        spins, seconds = spin_while(threading.Thread(target=self.tagger.tag_many, args=(texts,)))
        self.assertGreater(seconds, 0.05)
        self.assertGreater(spins / rate, 0.1 * seconds, "this thread hardly ran while tag_many worked: the GIL was held")

    def test_no_memory_growth_over_10000_calls(self):
        for line in self.lines * 125:  # warm-up: 1,000 calls
            self.tagger.tag(line)
        before = rss_kb()
        for i in range(10000):
            self.tagger.tag(self.lines[i % len(self.lines)], confidence=i % 2 == 0)
        grown = rss_kb() - before
        self.assertLess(grown, 2048, f"RSS grew by {grown} kB over 10,000 calls")

    def test_bad_input_raises(self):
        with self.assertRaises(TypeError):
            self.tagger.tag(b"\xe5\x8c\x97")
        with self.assertRaisesRegex(TypeError, r"texts\[1\]"):
            self.tagger.tag_many(["北京", 3])
        with self.assertRaisesRegex(ValueError, "k must be 1 to"):
            self.tagger.nbest("北京", 0)
        with self.assertRaisesRegex(ValueError, "k × characters must be at most 20000"):
            self.tagger.nbest("北" * 1000, 21)
        with self.assertRaisesRegex(ValueError, "min_confidence must be 0 to 1, not 1.0000001"):
            self.tagger.tag("北京", min_confidence=1.0000001)
        with self.assertRaises(UnicodeEncodeError):
            self.tagger.tag("北京\ud800")
        with self.assertRaisesRegex(TypeError, "not one str"):
            self.tagger.tag_many("北京")
        with self.assertRaisesRegex(ner.Error, "precision"):
            ner.Tagger(self.tagger.model, precision="half")
        with self.assertRaises(TypeError):
            ner.Tagger(3)
        with self.assertRaisesRegex(ValueError, "threads"):
            ner.Tagger(self.tagger.model, threads=0)
        with tempfile.TemporaryDirectory() as folder:
            missing = os.path.join(folder, "missing.model")
            with self.assertRaisesRegex(ner.Error, "^" + missing + ": "):
                ner.Tagger(missing)
            # A file name that is not UTF-8, as the file system may hold.
            odd = os.path.join(os.fsencode(folder), b"m\xff.model")
            os.symlink(os.fsencode(self.tagger.model), odd)
            self.assertEqual(ner.Tagger(odd, threads=1).tag("北京"), self.tagger.tag("北京"))
            self.assertEqual(ner.Tagger(os.fsdecode(odd), threads=1).model, os.fsdecode(odd))
            damaged = os.path.join(folder, "damaged.model")
            with open(self.tagger.model, "rb") as f:
                data = bytearray(f.read(4096))
            with open(damaged, "wb") as f:
                f.write(data)
            with self.assertRaisesRegex(ner.Error, "^" + damaged + ": "):
                ner.Tagger(damaged)
        self.assertTrue(issubclass(ner.Error, RuntimeError))
        self.assertEqual(self.tagger.tag("北京")[0]["type"], "LOC", "the tagger still works after the errors")


class ScoreTest(unittest.TestCase):
    def test_same_counts_as_ner_score(self):
        sentences = []
        with open(os.path.join(SOURCE, "examples", "sample.bio"), encoding="utf-8") as f:
            for block in f.read().strip().split("\n\n"):
                sentences.append([line.split("\t") for line in block.splitlines()])
        gold = [[tag for _, tag in s] for s in sentences]
        # Predictions with a type changed, an entity dropped and one cut short.
        predicted = [list(s) for s in gold]
        predicted[0] = [t.replace("ORG", "LOC") for t in predicted[0]]
        predicted[1] = ["O"] * len(predicted[1])
        predicted[2][-2:] = ["O", "O"]
        columns = "\n\n".join("\n".join(f"{c} {g} {p}" for (c, _), g, p in zip(s, gs, ps))
                               for s, gs, ps in zip(sentences, gold, predicted)) + "\n"
        self.assertEqual(ner.score(gold, predicted), json.loads(run_ner("score", "--json", stdin=columns)))
        self.assertEqual(ner.score(gold, gold)["f1"], 100.0)

    def test_bad_input_raises(self):
        with self.assertRaisesRegex(ner.Error, "sentence 1: gold has 2 tags, predicted 1"):
            ner.score([["O", "O"]], [["O"]])
        with self.assertRaisesRegex(ner.Error, "sentence 1, token 2: 'PER'"):
            ner.score([["O", "PER"]], [["O", "O"]])
        with self.assertRaisesRegex(ner.Error, "gold has 1 sentences, predicted 0"):
            ner.score([["O"]], [])


class TrainTest(unittest.TestCase):
    def test_same_model_bytes_as_ner_train_and_progress(self):
        corpus = os.path.join(SOURCE, "examples", "sample.bio")
        options = {"epochs": 3, "features": "char", "hidden": 8, "char_dim": 8, "threads": 1, "seed": 7, "peepholes": True}
        with tempfile.TemporaryDirectory() as folder:
            events = []
            result = ner.train(train=corpus, dev=corpus, model=os.path.join(folder, "py.model"), progress=events.append,
                               lexicon_pos=None, **options)
            cli = [f"--{k.replace('_', '-')}={v}" for k, v in options.items()]
            run_ner("train", "--train", corpus, "--dev", corpus, "--model", os.path.join(folder, "cli.model"), *cli)
            with open(os.path.join(folder, "py.model"), "rb") as a, open(os.path.join(folder, "cli.model"), "rb") as b:
                self.assertEqual(a.read(), b.read())
            self.assertEqual(result["epochs_run"], 3)
            self.assertEqual([e["epoch"] for e in events if e["kind"] == "epoch"], [1, 2, 3])
            self.assertTrue(any(e["kind"] == "batch" and e["chars_done"] <= e["chars_total"] for e in events))
            self.assertEqual(max(e["dev_f1"] for e in events if e["kind"] == "epoch"), result["best_dev_f1"])

    def test_a_callback_that_raises_stops_with_a_checkpoint(self):
        corpus = os.path.join(SOURCE, "examples", "sample.bio")
        with tempfile.TemporaryDirectory() as folder:
            model = os.path.join(folder, "m.model")

            def stop_after_first_epoch(event):
                if event["kind"] == "epoch":
                    raise KeyError("enough")

            with self.assertRaisesRegex(KeyError, "enough"):
                ner.train(train=corpus, dev=corpus, model=model, epochs=5, features="char", hidden=8,
                          progress=stop_after_first_epoch)
            self.assertTrue(os.path.exists(model + ".ckpt"))
            resumed = ner.train(resume=model + ".ckpt")
            self.assertEqual(resumed["epochs_run"], 5)

    def test_errors_name_the_option_or_the_file_and_line(self):
        with self.assertRaisesRegex(ner.Error, "no option --foo"):
            ner.train(foo=1)
        with self.assertRaisesRegex(ner.Error, "--epochs: 0 is not in the range"):
            ner.train(train="a", dev="b", model="c", epochs=0)
        with self.assertRaisesRegex(ner.Error, "--model is required"):
            ner.train(train="a", dev="b")
        with self.assertRaisesRegex(ner.Error, "--overwrite"):
            ner.train(train="a", dev="b", model="c", overwrite="perhaps")
        with self.assertRaisesRegex(TypeError, "progress must be callable"):
            ner.train(train="a", dev="b", model="c", progress=42)
        with tempfile.TemporaryDirectory() as folder:
            bad = os.path.join(folder, "bad.bio")
            with open(bad, "w", encoding="utf-8") as f:
                f.write("张\tB-PER\n伟\tI-PER\tX\tY\n")
            with self.assertRaisesRegex(ner.Error, "^" + bad + ":2: "):
                ner.train(train=bad, dev=bad, model=os.path.join(folder, "m.model"), features="char")
            self.assertFalse(os.path.exists(os.path.join(folder, "m.model")))


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: python_test.py NER_BINARY SOURCE_DIR [unittest options]")
    NER, SOURCE = sys.argv[1], sys.argv[2]
    os.environ.pop("NER_MODEL", None)
    unittest.main(argv=[sys.argv[0], *sys.argv[3:]])
