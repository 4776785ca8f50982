from common.errors import WorkflowError
from common.optimistic_locking import EditConflict


def test_a_workflow_error_carries_its_message_and_the_field_it_belongs_to():
    error = WorkflowError("This session is full", field="position")
    assert (error.message, error.field, str(error)) == (
        "This session is full",
        "position",
        "This session is full",
    )


def test_a_workflow_error_belongs_to_no_field_unless_told():
    assert WorkflowError("This task is already done").field is None


def test_an_edit_conflict_is_a_workflow_error_of_the_whole_form():
    class Saved:
        version = 3

    conflict = EditConflict("Someone else changed this task", saved=Saved())
    assert isinstance(conflict, WorkflowError)
    assert (conflict.field, conflict.current_version) == (None, 3)
