"""Where the citizen's case stands and what happens next, in plain words for the citizen.

The staff's next step (``cases.next_step``) says who does what; the citizen needs to know
what it means for them. One text per stage, written to the citizen ("you").
"""

from django.utils.translation import gettext_lazy as _

from mikrolaan.cases.constants import Stage

STAGE_TEXTS = {
    Stage.REFERRED: (
        _("You are referred to the microloan programme"),
        _("A knowledge person from the job centre will contact you for a first talk."),
    ),
    Stage.FIRST_SCREENING: (
        _("The job centre has looked at your referral"),
        _("Next is a conversation about your idea and what the programme asks of you."),
    ),
    Stage.FIRST_CONVERSATION: (
        _("You have had your first conversation"),
        _("Next the project leader meets you to decide whether you start the pre-course."),
    ),
    Stage.FINAL_SCREENING: (
        _("The project leader has met you"),
        _("Next you get a plan for your pre-course with courses and conversations."),
    ),
    Stage.PRE_COURSE: (
        _("You are in the pre-course"),
        _(
            "You follow your plan below and make your business plan and budgets. Then the "
            "project leader decides on your loan."
        ),
    ),
    Stage.DECISION: (
        _("Your budget is being assessed"),
        _("The project leader decides on your loan: approved, to be improved or refused."),
    ),
    Stage.GRANTED: (
        _("Your loan is granted"),
        _("Next the loan is paid out and your main course starts."),
    ),
    Stage.MAIN_COURSE: (
        _("You are in the main course"),
        _("You run your business with weekly contact with the project leader."),
    ),
    Stage.COMPLETED: (
        _("You have completed the programme"),
        _("Remember to pay back your loan as shown in your plan."),
    ),
    Stage.DROPPED_OUT: (
        _("You have left the programme"),
        _("If you have a loan, it must still be paid back. Contact us if that is hard."),
    ),
    Stage.CLOSED: (
        _("Your case is closed"),
        _("If you have a loan, it must still be paid back."),
    ),
}


def stage_text(stage: str) -> tuple[str, str]:
    """(where you are, what happens next) for a stage."""
    title, next_text = STAGE_TEXTS.get(Stage(stage), ("", ""))
    return str(title), str(next_text)
