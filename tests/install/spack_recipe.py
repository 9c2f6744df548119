"""Load contrib/spack/package.py against a stand-in for spack.package and check
its variants, dependencies and configure arguments (Spack itself is not needed)."""
import importlib.util
import sys
import types

recorded = {"variant": [], "depends_on": [], "version": []}
stub = types.ModuleType("spack.package")


def recorder(kind):
    def record(*args, **kwargs):
        recorded[kind].append((args, kwargs))
    return record


class AutotoolsPackage:
    def __init__(self, spec):
        self.spec = spec


stub.AutotoolsPackage = AutotoolsPackage
for kind in recorded:
    setattr(stub, kind, recorder(kind))
stub.maintainers = lambda *a: None
stub.which = lambda name: None
stub.__all__ = ["AutotoolsPackage", "variant", "depends_on", "version", "maintainers", "which"]
sys.modules["spack"] = types.ModuleType("spack")
sys.modules["spack.package"] = stub

spec_ = importlib.util.spec_from_file_location("cpobench_recipe", sys.argv[1])
recipe = importlib.util.module_from_spec(spec_)
spec_.loader.exec_module(recipe)


class Spec:
    def __init__(self, on):
        self.on = on

    def satisfies(self, s):
        return s in self.on

    def __getitem__(self, name):
        return types.SimpleNamespace(mpicc="/opt/mpi/bin/mpicc")


n = 0
failed = 0


def ok(cond, what):
    global n, failed
    n += 1
    failed += not cond
    print("%s %d - %s" % ("ok" if cond else "not ok", n, what))


variants = {a[0] for a, _ in recorded["variant"]}
ok(variants == {"verbs", "simgrid"}, "variants verbs and simgrid (got %s)" % sorted(variants))
deps = {(a[0], kw.get("when")) for a, kw in recorded["depends_on"]}
ok(("rdma-core", "+verbs") in deps, "rdma-core only with +verbs")
ok(("simgrid", "+simgrid") in deps, "simgrid only with +simgrid")
ok({"mpi", "hwloc@2:", "jansson@2.10:", "libinih"} <= {d for d, w in deps if w is None},
   "always: mpi, hwloc 2, jansson, inih (the configure requirements)")
pkg = recipe.Cpobench(Spec({"+verbs"}))
args = pkg.configure_args()
ok("CC=/opt/mpi/bin/mpicc" in args, "CC is the MPI compiler wrapper")
ok("--with-ibverbs=yes" in args and "--with-simgrid=no" in args, "+verbs ~simgrid: %s" % args)
args = recipe.Cpobench(Spec({"+simgrid"})).configure_args()
ok("--with-ibverbs=no" in args and "--with-simgrid=yes" in args, "~verbs +simgrid: %s" % args)
print("1..%d" % n)
sys.exit(1 if failed else 0)
