"""evallib - the dev sets of scripts/eval-search (issue 13, part 5).

Each set is built from ../shared (read at run time, never committed) and
from tests/acronyms-dev.tsv, then scored through a search(query, limit)
callable that returns the hit ids or raises RuntimeError with carid's
-ERR text.  stdlib only.
"""
import ast
import collections
import csv
import hashlib
import math
import os
import random
import re

# -- shared -----------------------------------------------------------------

STOPWORDS = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "plugins", "indonesian", "stopwords.txt")


def load_stopwords():
    """The stemmer's stopwords and question words (stopwords.txt)."""
    with open(STOPWORDS, encoding="utf-8") as f:
        return {w for line in f for w in line.split("#", 1)[0].split()}


def mrr_success(ranks):
    """MRR@10 and success@10 of ranks (1-based, None: not in the top 10)."""
    n = max(len(ranks), 1)
    return (sum(1.0 / r for r in ranks if r and r <= 10) / n,
            sum(1 for r in ranks if r and r <= 10) / n)


def rank_of(aid, got):
    return got.index(aid) + 1 if aid in got else None


# -- questions: FacQA -------------------------------------------------------

NO_SPACE_BEFORE = {",", ".", "?", "!", ":", ";", ")", "%"}
NO_SPACE_AFTER = {"("}
GLUE = {"-", "/"}


def join_tokens(tokens):
    """The text a person would type for a token list: no space before
    , . ? ! : ; ) %, none after (, '-' and '/' glued to both neighbours,
    straight quotes hugging what they quote."""
    out = []
    quote_open = False
    glue_next = False
    for t in tokens:
        space = bool(out) and not glue_next
        glue_next = False
        if t in NO_SPACE_BEFORE or t in GLUE:
            space = False
        if t == '"':
            if quote_open:
                space = False
            else:
                glue_next = True
            quote_open = not quote_open
        if t in NO_SPACE_AFTER or t in GLUE:
            glue_next = True
        out.append((" " if space else "") + t)
    return "".join(out)


def passage_id(text):
    return "facqa-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def is_dev(text):
    """The dev half: passages whose SHA-1 (of the text as indexed) is
    even.  The other half is left for whoever wants a second dev set."""
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16) % 2 == 0


def load_facqa(path):
    """(articles, questions): every distinct passage of the file as
    {"id", "body"}, and [(passage id, question as typed)] for the dev
    half."""
    articles, questions = {}, []
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            body = join_tokens(ast.literal_eval(row["passage"]))
            pid = passage_id(body)
            articles.setdefault(pid, {"id": pid, "body": body})
            if is_dev(body):
                questions.append(
                    (pid, join_tokens(ast.literal_eval(row["question"]))))
    return list(articles.values()), questions


OR_WORD = re.compile(r"[\w][\w\-./:,']*[\w]|[\w]")


def or_query(typed):
    """The question's words joined by OR, lower case (so that no word is
    read as an operator); punctuation between words dropped."""
    return " OR ".join(w.lower() for w in OR_WORD.findall(typed))


def defused(q):
    """The query with what carid's parser can reject taken out: brackets,
    quotes, a leading '-' or '+', operator words; asked only after an
    error."""
    q = re.sub(r'[()"\u201c\u201d]', " ", q)
    q = re.sub(r"(^|\s)[-+]+", r"\1", q)
    q = re.sub(r"\b(AND|OR|NOT|NEAR)\b", lambda m: m.group(1).lower(), q)
    q = re.sub(r"\b(title|body|source|date):", r"\1 ", q)
    return q


def score_questions(search, questions):
    """{'default': (mrr, success), 'or': (...), 'errors': n, 'examples'}"""
    res = {"errors": 0, "error_examples": []}
    for mode in ("default", "or"):
        ranks = []
        for pid, typed in questions:
            q = typed if mode == "default" else or_query(typed)
            try:
                got = search(q, 10)
            except RuntimeError as e:
                if mode == "default":
                    res["errors"] += 1
                    if len(res["error_examples"]) < 5:
                        res["error_examples"].append((typed, str(e)))
                try:
                    got = search(defused(q), 10)
                except RuntimeError:
                    got = []
            ranks.append(rank_of(pid, got))
        res[mode] = mrr_success(ranks)
    return res


# -- acronyms ---------------------------------------------------------------

MIN_CONCEPT_DOCS = 3   # articles holding the concept, to ask it at all
MIN_RELEVANT = 2       # articles holding the concept and the topical word
TOPICAL_PER_CONCEPT = 2
TOPICAL_MAX_DF = 0.05  # a topical word in more of the corpus is too common


def load_acronyms(path):
    """[[forms...]]: the first short form, the first long form, then any
    other forms of the concept."""
    concepts = []
    where = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].rstrip("\n")
            parts = [p.strip() for p in line.split("\t")]
            if len(parts) != 2 or not all(parts):
                continue
            c = where.get(parts[0].lower()) or where.get(parts[1].lower())
            if c is None:
                c = []
                concepts.append(c)
            for p in parts:
                if p not in c:
                    c.append(p)
                where[p.lower()] = c
    return concepts


def form_pattern(form):
    """How an article is decided to hold a form: its words in order,
    separated by anything that is not a letter or digit, with no letter or
    digit right before or after.  A form written in capitals only (KPK,
    AS, MA) must be in capitals too: "as", "ma" and "ham" are also words;
    any other form matches in any case."""
    ws = re.findall(r"\w+", form)
    body = r"\W+".join(re.escape(w) for w in ws)
    flags = 0 if form.upper() == form else re.IGNORECASE
    return re.compile(r"(?<!\w)" + body + r"(?!\w)", flags)


def make_acronym_queries(docs, doc_words, stem, df, concepts, stopwords):
    """[(query, concept index, topical stem, relevant ids, those of them
    without the form asked)] and the set of ids holding each concept."""
    n = len(docs)
    texts = [d["title"] + "\n" + d["body"] for d in docs]
    lower = [t.lower() for t in texts]
    holding = []
    queries = []
    for ci, forms in enumerate(concepts):
        # a substring test first: the regular expressions are slow
        pats = [(re.findall(r"\w+", f.lower())[0], form_pattern(f))
                for f in forms]
        ids = [i for i, t in enumerate(texts)
               if any(w in lower[i] and p.search(t) for w, p in pats)]
        holding.append({docs[i]["id"] for i in ids})
        if len(ids) < MIN_CONCEPT_DOCS:
            continue
        own = {stem.get(w.lower(), w.lower())
               for f in forms for w in re.findall(r"\w+", f)}
        cdf = collections.Counter()
        surface = collections.defaultdict(collections.Counter)
        for i in ids:
            seen = set()
            for w in doc_words[i]:
                r = stem[w]
                surface[r][w] += 1
                seen.add(r)
            cdf.update(seen)
        cands = []
        for r, c in cdf.items():
            if (c < MIN_RELEVANT or len(r) < 5 or r in own or r in stopwords
                    or df[r] > TOPICAL_MAX_DF * n):
                continue
            cands.append((-c * (1 + math.log(n / df[r])), r))
        cands.sort()
        short, long_ = forms[0], forms[1]
        for _, r in cands[:TOPICAL_PER_CONCEPT]:
            word = sorted(surface[r].items(), key=lambda kv: (-kv[1],
                                                              kv[0]))[0][0]
            rel = {docs[i]["id"] for i in ids
                   if any(stem[w] == r for w in doc_words[i])}
            for form in (short, long_):
                pat = form_pattern(form)
                other = {docs[i]["id"] for i in ids if docs[i]["id"] in rel
                         and not pat.search(texts[i])}
                queries.append((form + " " + word, ci, r, rel, other))
    return queries, holding


def score_acronyms(search, queries, holding):
    """Concept recall@100 (mean over the queries), P@10 (mean over the
    queries with hits; it divides by the hits returned, at most 10), the
    number of queries without hits.  Then
    (relevant articles, over all queries, that hold only another form of
    the concept than the one asked; the share of them in the top 100)."""
    recall, prec = [], []
    other_n = other_found = 0
    for q, ci, _, rel, other in queries:
        try:
            got = search(q, 100)
        except RuntimeError:
            got = []
        recall.append(len(rel & set(got)) / len(rel))
        other_n += len(other)
        other_found += len(other & set(got))
        top = got[:10]
        if top:
            prec.append(sum(1 for a in top if a in holding[ci]) / len(top))
    k = max(len(queries), 1)
    return (sum(recall) / k, sum(prec) / max(len(prec), 1),
            len(queries) - len(prec),
            (other_n, other_found / max(other_n, 1)))


# -- misspellings -----------------------------------------------------------

KEYS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
EDITS = ("deletion", "transposition", "substitution", "insertion")


def _neighbours():
    pos = {c: (r, i) for r, row in enumerate(KEYS) for i, c in enumerate(row)}
    near = {}
    for c, (r, i) in pos.items():
        near[c] = [d for d, (r2, i2) in pos.items()
                   if d != c and abs(r2 - r) <= 1 and abs(i2 - i) <= 1]
    return near


NEAR = _neighbours()


def misspell(word, rnd):
    """One edit: drop a letter, swap two neighbouring letters, replace a
    letter by a key next to it, or add such a key beside a letter.  The
    first letter stays (people rarely get it wrong)."""
    kind = rnd.choice(EDITS)
    i = rnd.randrange(1, len(word))
    if kind == "deletion":
        return word[:i] + word[i + 1:], kind
    if kind == "transposition":
        i = rnd.randrange(1, len(word) - 1)
        return word[:i] + word[i + 1] + word[i] + word[i + 2:], kind
    c = word[i]
    k = rnd.choice(NEAR.get(c, list("aeiou")))
    if kind == "substitution":
        return word[:i] + k + word[i + 1:], kind
    return word[:i] + k + word[i:], kind


def make_misspellings(queries, vocab, seed):
    """[(article id, query with one word misspelled, the word, the
    misspelling, the edit)] from the known-item queries: one word of 5 or
    more letters, edited once so that it is no word of the corpus."""
    rnd = random.Random(seed)
    out = []
    for aid, q, _ in queries:
        ws = q.split()
        cands = [i for i, w in enumerate(ws) if len(w) >= 5 and w.isalpha()]
        if not cands:
            continue
        i = rnd.choice(cands)
        for _ in range(50):
            bad, kind = misspell(ws[i], rnd)
            if bad != ws[i] and bad not in vocab:
                break
        else:
            continue
        typed = ws[:i] + [bad] + ws[i + 1:]
        out.append((aid, " ".join(typed), ws[i], bad, kind))
    return out


def make_word_misspellings(queries, vocab, seed):
    """[(the word, its misspelling, the edit)]: of each known-item query,
    one word of 5 or more letters (drawn with the seed), edited once as
    make_misspellings() does, to be asked ALONE."""
    rnd = random.Random(seed + 1)
    out = []
    for _, q, _ in queries:
        cands = [w for w in q.split() if len(w) >= 5 and w.isalpha()]
        if not cands:
            continue
        w = rnd.choice(cands)
        for _ in range(50):
            bad, kind = misspell(w, rnd)
            if bad != w and bad not in vocab:
                break
        else:
            continue
        out.append((w, bad, kind))
    return out


def osa_distance(a, b):
    """The optimal string alignment distance (edits.h's edits_distance)."""
    prev2, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            d = min(prev[j - 1] + (a[i - 1] != b[j - 1]), prev[j] + 1,
                    cur[j - 1] + 1)
            if (i > 1 and j > 1 and a[i - 1] == b[j - 2]
                    and a[i - 2] == b[j - 1]):
                d = min(d, prev2[j - 2] + 1)
            cur[j] = d
        prev2, prev = prev, cur
    return prev[len(b)]


def make_long_misspellings(queries, vocab, seed):
    """[(the word, its misspelling, the edits)]: of each known-item query,
    one word of 9 or more letters (drawn with seed + 2), edited twice as
    misspell() edits once, so that it is two edits from the word (the
    second edit does not undo the first) and no word of the corpus; asked
    ALONE, as make_word_misspellings()'s."""
    rnd = random.Random(seed + 2)
    out = []
    for _, q, _ in queries:
        cands = [w for w in q.split() if len(w) >= 9 and w.isalpha()]
        if not cands:
            continue
        w = rnd.choice(cands)
        for _ in range(50):
            once, k1 = misspell(w, rnd)
            bad, k2 = misspell(once, rnd)
            if bad not in vocab and osa_distance(w, bad) == 2:
                break
        else:
            continue
        out.append((w, bad, k1 + "+" + k2))
    return out


def score_word_misspellings(search, items):
    """success@10 and MRR@10 of the first hit of the word spelled right in
    the hits of its misspelling, over the words whose right spelling finds
    something; and how many those are."""
    ranks = []
    for word, bad, _ in items:
        try:
            want = search(word, 1)
            got = search(bad, 10) if want else []
        except RuntimeError:
            continue
        if want:
            ranks.append(rank_of(want[0], got))
    mrr, ok = mrr_success(ranks)
    return mrr, ok, len(ranks)


def score_misspellings(search, items):
    ranks = []
    for aid, q, *_ in items:
        try:
            got = search(q, 10)
        except RuntimeError:
            got = []
        ranks.append(rank_of(aid, got))
    return mrr_success(ranks)
