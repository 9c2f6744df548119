#!/bin/sh
# Soft-RoCE check of kvcache --mech verbs: boot Debian's kernel under qemu (TCG, no
# /dev/kvm needed) with the host's / read-only over virtio-9p, create an rxe device on
# the VM's virtio-net interface, then run ibv_devices, ibv_rc_pingpong and
# mpirun ... cpobench kvcache --mech verbs -c.  Results come back on the serial console.
#
#   bench/verbs_vm.sh [BUILD_DIR]        (BUILD_DIR: a configured build with ./cpobench; default .)
#
# Needs root (9p export of /), and once: apt-get install qemu-system-x86 busybox-static
# ibverbs-utils ibverbs-providers.  The kernel package is downloaded (apt-get download)
# and unpacked into the work directory, never installed.  Environment:
#   CPOBENCH_VM_DIR     work directory (/tmp/cpobench-verbs-vm), kernel and initramfs are kept
#   CPOBENCH_VM_KERNEL  kernel package (default: what linux-image-amd64 depends on)
#   CPOBENCH_VM_MEM     guest memory (4G); CPOBENCH_VM_SMP guest CPUs (2)
#   CPOBENCH_VM_TIMEOUT seconds before qemu is stopped (3600)
#   CPOBENCH_VM_CASES   file of extra shell lines to run in the guest (after the built-in cases)
# Exit status: 0 when every guest step passed, 1 otherwise, 2 on a setup problem.
set -eu

build=$(cd "${1:-.}" && pwd)
[ -x "$build/cpobench" ] || { echo "verbs_vm.sh: $build/cpobench not found (give the build directory)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "verbs_vm.sh: run as root (qemu exports / over 9p)" >&2; exit 2; }
for t in qemu-system-x86_64 busybox ibv_rc_pingpong ibv_devices rdma dpkg-deb; do
	command -v "$t" >/dev/null || { echo "verbs_vm.sh: $t not found (apt-get install qemu-system-x86 busybox-static ibverbs-utils iproute2)" >&2; exit 2; }
done
srcdir=$(sed -n 's/^abs_top_srcdir = //p' "$build/Makefile")
work=${CPOBENCH_VM_DIR:-/tmp/cpobench-verbs-vm}
mem=${CPOBENCH_VM_MEM:-4G}
smp=${CPOBENCH_VM_SMP:-2}
limit=${CPOBENCH_VM_TIMEOUT:-3600}
mkdir -p "$work"
cd "$work"

# --- kernel and modules, unpacked from the Debian package
pkg=${CPOBENCH_VM_KERNEL:-$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/{print $2; exit}')}
[ -n "$pkg" ] || { echo "verbs_vm.sh: cannot tell the kernel package (set CPOBENCH_VM_KERNEL)" >&2; exit 2; }
kver=${pkg#linux-image-}
if [ ! -f "kroot/boot/vmlinuz-$kver" ]; then
	rm -f linux-image-*.deb
	apt-get download "$pkg" >/dev/null || { echo "verbs_vm.sh: apt-get download $pkg failed" >&2; exit 2; }
	rm -rf kroot
	dpkg-deb -x linux-image-*.deb kroot
fi
mods=kroot/lib/modules/$kver
[ -f "$mods/modules.dep" ] || busybox depmod -b "$PWD/kroot" "$kver"

# modules in load order (dependencies first)
order=""
need() {
	local line d n p  # recursive: dash and bash both have local
	line=$(grep -E "(^|/)$1\.ko(\.xz)?:" "$mods/modules.dep") || { echo "verbs_vm.sh: module $1 not in $pkg" >&2; exit 2; }
	for d in ${line#*:}; do
		n=$(basename "$d"); n=${n%.xz}; n=${n%.ko}
		need "$n"
	done
	p=${line%%:*}
	case " $order " in *" $p "*) ;; *) order="$order $p" ;; esac
}
# crc32_generic: rxe allocates the "crc32" shash (ICRC), no modprobe in the initramfs to fetch it
for m in virtio_pci virtio_net 9pnet_virtio 9p crc32_generic rdma_rxe ib_uverbs; do
	need "$m"
done

# --- initramfs: busybox, the modules, /init
rm -rf initrd && mkdir -p initrd/bin initrd/mods initrd/proc initrd/sys initrd/dev initrd/mnt
cp /bin/busybox initrd/bin/busybox
for a in sh mount umount insmod mkdir chroot poweroff sleep cat echo; do ln -s busybox "initrd/bin/$a"; done
i=0
for p in $order; do
	i=$((i + 1))
	case $p in
	*.xz) xz -dc "$mods/$p" >"initrd/mods/$(printf %02d $i)-$(basename "${p%.xz}")" ;;
	*) cp "$mods/$p" "initrd/mods/$(printf %02d $i)-$(basename "$p")" ;;
	esac
done
cat >initrd/init <<'EOF'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in /mods/*.ko; do insmod "$m" || echo "VM: insmod $m failed"; done
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose hostroot /mnt || { echo "VM: 9p mount failed"; poweroff -f; }
mount -t tmpfs tmp /mnt/tmp
mkdir -p /mnt/tmp/build
mount -t 9p -o trans=virtio,version=9p2000.L,ro build /mnt/tmp/build || echo "VM: build 9p mount failed"
mount -t tmpfs run /mnt/run
mount -t devtmpfs dev /mnt/dev
mkdir -p /mnt/dev/shm /mnt/dev/pts
mount -t tmpfs shm /mnt/dev/shm
mount -t devpts pts /mnt/dev/pts
mount -t proc proc /mnt/proc
mount -t sysfs sys /mnt/sys
cp /guest.sh /mnt/tmp/guest.sh
chroot /mnt /bin/sh /tmp/guest.sh
echo "VM: guest script exit $?"
poweroff -f
EOF
chmod +x initrd/init

# the guest script: rxe on eth0, the pingpong, the kernel
cat >initrd/guest.sh <<EOF
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp TMPDIR=/tmp
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# MPI stays on shared memory; the RDMA device is cpobench's alone
export OMPI_MCA_pml=ob1 OMPI_MCA_btl=self,vader OMPI_MCA_osc=pt2pt OMPI_MCA_btl_vader_single_copy_mechanism=none
export CPOBENCH_DATADIR=$srcdir
cd /tmp
fails=0
step() { name=\$1; shift; echo "VM-STEP \$name: \$*"; t0=\$(date +%s); "\$@"; rc=\$?; echo "VM-RESULT \$name: exit \$rc (\$((\$(date +%s) - t0)) s)"; [ \$rc -eq 0 ] || fails=\$((fails + 1)); }
hostname verbs-vm 2>/dev/null
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
step rxe rdma link add rxe0 type rxe netdev eth0
rdma link show; dmesg | grep -iE "rxe|crc32" | tail -5
step ibv_devices ibv_devices
ibv_devinfo -v -d rxe0 | grep -E 'hca_id|max_qp_wr|max_sge|max_mr_size|state|active_mtu|link_layer|GID'
step pingpong sh -c 'ibv_rc_pingpong -d rxe0 -g 1 -n 200 -s 65536 >/tmp/pp-server.log 2>&1 & sleep 2; ibv_rc_pingpong -d rxe0 -g 1 -n 200 -s 65536 127.0.0.1; rc=\$?; wait; cat /tmp/pp-server.log; exit \$rc'
export K="/tmp/build/cpobench kvcache"
step kv-2rank mpirun -np 2 \$K --mech verbs,send --model llama-3.1-8b --isl 256 --granularity desc,coalesce,layer,request -c -n 3 -w 1
step kv-2rank-cross-random mpirun -np 2 \$K --mech verbs --model custom:8,4,64,hidden=1024 --isl 200 --layout cross --alloc random --granularity desc,request --schedule bulk,layer -c -n 2 -w 0 --prefill-tps 1e6
step kv-3rank-tp1to2 mpirun --oversubscribe -np 3 \$K --mech verbs --model llama-3.1-8b --isl 256 --tp-p 1 --tp-d 2 --granularity desc,coalesce,request -c -n 2 -w 0
step kv-4rank-2p1d-tp1to2 mpirun --oversubscribe -np 4 \$K --mech verbs --model llama-3.1-8b --isl 256 --prefill 2 --tp-p 1 --decode 1 --tp-d 2 --granularity coalesce -c -n 2 -w 0
step kv-4rank-1p2d-tp2to1 mpirun --oversubscribe -np 4 \$K --mech verbs --model llama-3.1-8b --isl 128 --prefill 1 --tp-p 2 --decode 2 --tp-d 1 --requests 2 --granularity desc,layer -c -n 2 -w 0
step kv-small-sq sh -c 'CPOBENCH_VERBS_SQ_DEPTH=4 mpirun -np 2 \$K --mech verbs --model llama-3.1-8b --isl 256 --granularity desc,request -c -n 2 -w 0'
step kv-fault-rkey sh -c 'CPOBENCH_VERBS_FAULT=rkey mpirun -np 2 \$K --mech verbs --model llama-3.1-8b --isl 64 -n 1 -w 0 >/tmp/fault.log 2>&1; rc=\$?; grep -a "verbs" /tmp/fault.log; echo "mpirun exit \$rc"; [ \$rc -ne 0 ] && grep -q "RDMA WRITE to rank 1 failed: remote access error.*request 0, message 0: layer 0, K, heads 0-7, block 0" /tmp/fault.log'
step kv-bw mpirun -np 2 \$K --mech verbs,send,put --model llama-3.1-8b --isl 256 --granularity coalesce,request -n 3 -w 1
EOF
if [ -n "${CPOBENCH_VM_CASES:-}" ]; then cat "$CPOBENCH_VM_CASES" >>initrd/guest.sh; fi
echo 'echo "VM-DONE failures=$fails"' >>initrd/guest.sh
(cd initrd && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) >initrd.img

# --- boot
log=$work/console.log
echo "verbs_vm.sh: booting $pkg (TCG, -m $mem, -smp $smp); console in $log"
set +e
timeout "$limit" qemu-system-x86_64 -machine q35 -accel tcg,thread=multi -cpu max -m "$mem" -smp "$smp" \
	-kernel "kroot/boot/vmlinuz-$kver" -initrd initrd.img \
	-append "console=ttyS0 panic=-1 quiet loglevel=3" -no-reboot -nographic -monitor none -serial stdio \
	-netdev user,id=n0 -device virtio-net-pci,netdev=n0 \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs local,path="$build",mount_tag=build,security_model=none,readonly=on,multidevs=remap \
	</dev/null 2>&1 | tee "$log"
set -e
grep -E '^VM-(RESULT|DONE)' "$log" | tr -d '\r'
grep -q '^VM-DONE failures=0' "$log" || exit 1
