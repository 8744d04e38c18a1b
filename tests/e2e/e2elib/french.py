"""Every log message is in French (issue 14), the language of the replaced
system and of the people who read the log; only its machine parts are not:
codes (printer_refused), setting names (allowed_origins), paths, URIs,
errno names (ENOSPC), numbers, command lines, and what other programs said,
quoted « like this ». english_words(message) sets those parts aside and
returns the English words left: words of English that are no French words,
so a French message never matches. Used on every line of every daemon the
e2e suites start (daemon.stop_all) and on the sources' strings
(tests/language/check_french.py)."""
import re

# English words that are not French words (no "a", "on", "an", "as", "but",
# "or", "file", "queue", "service", "port", "permission", "cable", "long",
# "refuse", "use", "sent", "don"...).
ENGLISH = frozenset("""
    the is are was were be been being am isn aren wasn weren
    not cannot can could couldn should shouldn would wouldn will won shall must might
    doesn didn does did has have had hasn haven having
    this that these those which who whom whose what why how where when while
    with without within from into onto than then there here
    of to by for and at it its they them their we you your our us
    in if else so just very yes all any every each some both either neither
    no none nothing anything something everything nobody someone anyone
    only also again still yet already more most less least other another same
    new old first last next now never always often later since until unless
    about above below between over under after before because per via
    failed fail fails failure found missing unknown too enough
    write writes writing written wrote read reads reading
    open opened opening opens close closed closing closes
    refused denied deny allow allowed allows
    give given gives make made makes see seen set sets get gets got let lets
    keep kept keeps move moved moves rename renamed delete deleted deletes
    replace replaced remove removed add added create created choose
    rotate rotated append appended expire expired print printing printed
    empty full free fix try tried retry
    start started starting starts stopped running run runs
    install installed available unavailable unreachable supported unsupported
    valid invalid character characters setting settings value values number
    bytes byte lines line error errors printer printers connection connections
    address addresses device devices folder folders log logs system
    request requests server thread threads memory name names host hosts
    busy job jobs paper power network networks unplugged plugged switched
    restart restarted answer answers answered take takes taken took
    send sends sending wait waits waiting waited timed
    lost lose reset resets status drawer kick pulse confirmed back reply
    listen listening reach reached accept accepted accepts reject rejects rejected
    resume resumed hung hang hangs hold holds held holding look looked looking
    say said says tell told show shows shown call called seems
    load loaded older larger longer taller wider unexpected
    offline online usually maybe meanwhile anyway
    need needs needed used using out up down off
    please check checks checked
""".split())

# Programs whose command lines a message gives as the fix: the line is the
# program's words, copied as typed (up to ";" or ")" or the end).
COMMANDS = ("systemctl", "lpadmin", "lpstat", "cupsenable", "cupsaccept", "cupsdisable",
            "cupsreject", "usermod", "apt", "sc")

# A request's line: "peer METHOD path status code[ - detail]" and
# "peer - path - code - reason": only the detail and the reason are words.
ACCESS_LINE = re.compile(r"^\S+ \S+ \S+ \d{3} [a-z0-9_]+(?: - (?P<detail>.*))?$")
UNANSWERED_LINE = re.compile(r"^\S+ - \S+ - [a-z0-9_]+ - (?P<detail>.*)$")

MACHINE_PARTS = [
    re.compile(r"«[^»]*»"),                      # what another program said, quoted
    re.compile(r"`[^`]*`"),
    re.compile(r'"[^"]*"'),
    re.compile(r"(?<![\w])'[^'\s][^']*'(?![\w])"),  # 'value' (not l'imprimante)
    re.compile(r"\b(?:%s)\b[^;)]*" % "|".join(COMMANDS)),
    re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://\S*"),  # URIs
    re.compile(r"\b(?:file|serial|cups|spool|tcp|data):\S*"),  # printer URIs
    re.compile(r"\S*[/\\]\S*"),                  # paths, HTTP paths
    re.compile(r"\S*[\w]_[\w]\S*"),             # snake_case: settings, codes
    re.compile(r"\S*\w\.\w\S*"),                # file names, host names, versions
    re.compile(r"\S*\w=\S*"),                   # key=value
    re.compile(r"\b[A-Z][A-Z0-9]+\b"),          # errno names, acronyms (ENOSPC, HTTP)
    re.compile(r"\b\w+(?:-\w+)+\b"),            # hyphenated (server-error-busy, no-store)
    re.compile(r"--[\w-]+"),                    # command-line flags (--printer)
]

WORD = re.compile(r"[^\W\d_]+")


def words_of(text):
    """The words left in text once its machine parts are set aside."""
    for part in MACHINE_PARTS:
        text = part.sub(" ", text)
    return WORD.findall(text)


def english_words(message):
    """The English words of a log line's message (empty when it is French)."""
    for line_re in (ACCESS_LINE, UNANSWERED_LINE):
        match = line_re.match(message)
        if match is not None:
            message = match["detail"] or ""
            break
    return [word for word in words_of(message) if word.lower() in ENGLISH]


def english_lines(lines, parse):
    """(line, English words) of each line whose message is not French;
    parse(line) gives the message, or None for a line that is no log line."""
    found = []
    for line in lines:
        message = parse(line)
        if message is None:
            continue
        words = english_words(message)
        if words:
            found.append((line, words))
    return found
