/** The commented example spec that `arena study init` writes (it validates as it is). */
export const EXAMPLE_SPEC = `# A study: recruited judges, each judging a queue of live debates.
# Validate with \`arena study validate FILE\`; launch with \`arena study launch FILE\`.
# Once launched the spec is frozen: its hash is stamped on every debate the study creates.

id: pilot-originals            # lower-case letters, digits, "-" and "_"
title: Debate against consultancy on the original passages
seed: pilot-2026-1             # every random choice of the assignment comes from this seed

# Items: scenario packs and/or single scenario ids. Use a private pack for real studies.
scenarios:
  packs: []
  ids:
    - above-the-ninth-camp
    - growth-cabinet-three
    - hollis-and-daughter
    - letters-from-osk-farm
    - log-of-the-petrel
    - the-footbridge-fund
    - the-lantern-room
    - the-light-sacks-of-wendmere
    - the-matter-of-the-blue-gate
    - the-quiet-relay
    - the-thursday-reconciliation
# These scenarios are in the public pack "originals": their passages and answers are public,
# so a participant may know an answer. Fine for a pilot; for real data use a private pack
# (pack.json: "private": true) and delete this line, and validate/launch check it for you.
publicItems: allow

# Stored debates (played here or imported) can be items too: each is re-judged step by step,
# the participant being its new judge. Chosen by id and/or by source and pack when launched.
# debates:
#   sources: [nyu-debate-2023]
#   limit: 40                  # at most this many from the filters, oldest first
#   condition: rejudge         # their condition's name in exports and on the dashboard

# Each condition is a protocol preset, optional rule overrides, and who fills the debater seats.
conditions:
  - name: debate
    preset: debate
    rules: { maxSpeechRounds: 2, speechSeconds: 120, judgeSeconds: 300 }
    debaters: builtin:passage-debater        # or per seat: { A: gpt-debater, B: builtin:passage-debater }; or human
  - name: consultancy
    preset: consultancy
    rules: { maxSpeechRounds: 2, speechSeconds: 120, judgeSeconds: 300 }
    debaters: builtin:passage-debater
  - name: blind
    preset: blind

itemsPerParticipant: 3         # counted items in each participant's queue
judgementsPerCell: 2           # judgements wanted for every scenario × condition

# Practice items come first and are not counted. Their stories must not be study items.
practice:
  - { scenario: the-heron-and-the-three-stones, condition: debate }

# Attention checks: questions whose answer is plain from the question alone.
attentionChecks:
  - after: 1                   # shown after this many counted items
    question: "To show you are reading, choose the answer 'Purple'."
    answers: [Green, Purple]
    correct: 1

# Recruited human debaters, for conditions whose debaters are "human". They arrive by the
# debater link (the study link with &role=debater) and wait in a lobby for a judge.
# humanDebaters:
#   lobbySeconds: 120          # a judge waits this long for debaters, then gets another item
#   debaterWaitSeconds: 600    # a debater waits this long for a judge, then ends (no-capacity code)
#   debatesPerDebater: 3       # then the completed code

# A quiz on the instructions before the first item: two tries, then the participant is asked
# to return the study (the declined code), never rejected.
# comprehension:
#   - question: "Who can see the passage?"
#     answers: [The judge, The debaters, Nobody]
#     correct: 1

exclusion:
  maxFailedChecks: 1           # more failed checks than this ends with the failed code (panels allow a rejection after two)
  minSecondsPerItem: 20        # faster items are flagged as speeding

consent: |
  ## Consent
  You will judge short debates about passages you cannot see. It takes about 30 minutes.
  Your answers are stored under a pseudonym; your panel id is kept only to pay you.

instructions: |
  ## How to judge
  Two debaters (or one consultant) argue about a passage only they can read. Quotes marked
  as verified are real. Give a probability to each answer, ask for another round if you
  want, and end when you are ready. You earn a bonus for confident correct verdicts.

timeLimits:
  participantMinutes: 90       # from consent to the end page
  itemMinutes: 20              # from an item's start to its verdict
  idleSeconds: 300             # no study page open for this long: a dropout

completion:
  codes:
    completed: C1A2B3C4
    declined: DECLINE01
    failed: FAILED01
    timedOut: TIMEOUT01
    noCapacity: NOROOM01
  redirect: https://app.prolific.com/submissions/complete?cc={code}

bonus:
  perPoint: 0.25               # per bit of judge score above a uniform guess, summed over counted items
  floor: 0
  cap: 3
  currency: GBP
`;
