"""Training: guided exercises on the synthetic training store, checked against the demo's planted truth."""

import datetime as dt
import os

import streamlit as st

from turquesa_geo.demo.training import EXERCISES, TRAINING_ENV
from turquesa_geo.exports.log import export_log
from turquesa_geo.glossary import term
from turquesa_ui.lang import current_lang, tr
from turquesa_ui.state import run_inside_app
from turquesa_ui.store import store_cursor

run_inside_app()
lang = current_lang()
_ = tr(lang)

PROGRESS = "training_progress"
STARTED = "training_started"

st.title(_("Training exercises"))
if os.environ.get(TRAINING_ENV) != "1":
    st.info(
        _(
            "The exercises run on the synthetic training store, whose answers are known. Start it with "
            "`turquesa train` (it builds a fresh training store and opens the dashboard in training mode)."
        )
    )
    st.stop()

st.session_state.setdefault(PROGRESS, {})
st.session_state.setdefault(STARTED, dt.datetime.now())
done = st.session_state[PROGRESS]
st.caption(
    _(
        "How to read: each exercise says which page to use; answer, then check. Hints are there if you need "
        "them. Progress is kept for this session."
    )
)
st.progress(
    len(done) / len(EXERCISES),
    text=_("{done} of {total} exercises solved").format(done=len(done), total=len(EXERCISES)),
)

for number, item in enumerate(EXERCISES, start=1):
    solved = item.id in done
    with st.expander(f"{number}. {item.question_in(lang)}" + ("  ✓" if solved else ""), expanded=not solved):
        st.caption(_("Page: {page}").format(page=_(item.page)))
        for index, hint in enumerate(item.hints_in(lang), start=1):
            if st.toggle(_("Hint {number}").format(number=index), key=f"hint_{item.id}_{index}"):
                st.write(hint)

        def fmt(c, e=item):
            return e.choice_label(c, lang)

        # Alphabetical, so the right answer's place says nothing.
        answer = st.radio(
            _("Your answer"), sorted(item.choices(), key=fmt), key=f"answer_{item.id}", index=None, format_func=fmt
        )
        if st.button(_("Check"), key=f"check_{item.id}"):
            if item.id == "briefing_pack":
                correct = item.check(answer, export_log=export_log(store_cursor()), since=st.session_state[STARTED])
            else:
                correct = answer is not None and item.check(answer)
            if correct:
                done[item.id] = True
                st.success(_("Correct."))
            else:
                st.error(_("Not yet: look again, or open a hint."))
        if item.glossary:
            st.caption(_("Glossary: {terms}").format(terms=", ".join(term(t).title_in(lang) for t in item.glossary)))
