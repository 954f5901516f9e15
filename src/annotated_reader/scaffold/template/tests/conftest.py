"""The checks every annotated reader keeps come with the engine
(annotated_reader.testing); add this edition's own rules in tests/ beside them."""

import pytest

pytest.register_assert_rewrite("annotated_reader.testing")
pytest_plugins = ["annotated_reader.testing"]
