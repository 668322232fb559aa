"""The contract type of `make lint` beyond import-linter's own: the layers of the product, the tests above
them all.

A test module stands in its app's package (`custodian/<app>/tests/`), yet it is no part of that app's layer:
a test builds its personas through the demo app and drives every layer, as a user of the product does. So
the tests are one more layer, on top: a test may import any module of the product, and no module of the
product may import a test or a test helper (that import is reported as a lower layer importing a higher
one). The product's layers are then checked among the product's own modules, exactly as import-linter's
`layers` contract checks them; nothing is ignored, and what a test may import is stated by the contract
(and, between the tests themselves, by the independence contract beside it in `pyproject.toml`).
"""

import grimp
from importlinter.application import output
from importlinter.contracts.layers import LayersContract
from importlinter.domain import fields
from importlinter.domain.contract import ContractCheck
from importlinter.domain.helpers import module_expressions_to_modules


class LayersUnderTheTests(LayersContract):
    """`layers`, with `tests`: the module expressions of the tests and their helpers, a layer above all."""

    type_name = "layers_under_the_tests"

    tests = fields.ListField(subfield=fields.ModuleExpressionField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        tests = self._test_modules(graph)
        upward = sorted(
            (importer, imported, tuple(sorted(d["line_number"] for d in details)))
            for imported in tests
            for importer in graph.find_modules_that_directly_import(imported)
            if importer not in tests
            for details in [graph.get_import_details(importer=importer, imported=imported)]
        )
        for module in tests:
            graph.remove_module(module)
        check = super().check(graph, verbose)
        check.metadata["product_importing_tests"] = upward
        check.kept = check.kept and not upward
        return check

    def render_broken_contract(self, check: ContractCheck) -> None:
        upward = check.metadata["product_importing_tests"]
        if upward:
            output.print("The product is not allowed to import the tests or their helpers:")
            output.new_line()
            for importer, imported, lines in upward:
                where = ", ".join(f"l.{n}" for n in lines)
                output.print_error(f"- {importer} -> {imported} ({where})", bold=False)
            output.new_line()
        super().render_broken_contract(check)

    def _test_modules(self, graph: grimp.ImportGraph) -> set[str]:
        roots = {m.name for m in module_expressions_to_modules(graph, self.tests)}  # type: ignore[arg-type]
        return roots | {d for root in roots for d in graph.find_descendants(root)}
