# Spack recipe for cpobench.  Use it from a local repository:
#   spack repo create ~/spack-cpobench && mkdir -p ~/spack-cpobench/packages/cpobench
#   cp contrib/spack/package.py ~/spack-cpobench/packages/cpobench/ && spack repo add ~/spack-cpobench
#   spack install cpobench +verbs ~simgrid ^openmpi fabrics=ucx schedulers=slurm
# After `spack load cpobench`: man cpobench; the Slurm job templates are in
# $(spack location -i cpobench)/share/cpobench/slurm/.

from spack.package import *


class Cpobench(AutotoolsPackage):
    """Collective-communication benchmarks for AI-cluster networking (MPI):
    all-reduce, all-to-all and KV-cache transfer measured on real fabrics, the
    same kernels on emulated fabrics (SimGrid SMPI), and projections for copper,
    AEC, pluggable, LPO and CPO optics."""

    homepage = "https://github.com/cpobench/cpobench"
    git = "https://github.com/cpobench/cpobench.git"

    maintainers("cpobench")

    version("main", branch="main")

    variant("verbs", default=False, description="RDMA verbs transport for the kvcache kernel (libibverbs)")
    variant("simgrid", default=False, description="cpobench-emulate: the kernels on emulated fabrics (SimGrid SMPI)")

    depends_on("c", type="build")
    depends_on("autoconf", type="build")
    depends_on("automake@1.16:", type="build")
    depends_on("pkgconfig", type="build")

    depends_on("mpi")
    depends_on("hwloc@2:")
    depends_on("jansson@2.10:")
    depends_on("libinih")
    depends_on("rdma-core", when="+verbs")
    depends_on("simgrid", when="+simgrid")

    # The release tarball ships configure; a git checkout needs autoreconf.
    force_autoreconf = True

    def autoreconf(self, spec, prefix):
        autoreconf_ = which("autoreconf")
        autoreconf_("-fi")

    def configure_args(self):
        args = ["CC={0}".format(self.spec["mpi"].mpicc)]
        args.append("--with-ibverbs={0}".format("yes" if self.spec.satisfies("+verbs") else "no"))
        args.append("--with-simgrid={0}".format("yes" if self.spec.satisfies("+simgrid") else "no"))
        return args
