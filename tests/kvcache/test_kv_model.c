/* KV bytes/token of every preset against the reference table; custom specs; bad preset files. */
#include "config.h"
#include "kv/model.h"
#include "tests/tap.h"

#include <stdlib.h>
#include <unistd.h>

#define PRESETS CB_SRCDIR "/presets/models.ini"
#define MiB 1048576.0
#define GiB 1073741824.0

static void bpt(const char *name, uint64_t bf16, uint64_t fp8)
{
	struct cb_kv_model m;
	char err[512] = "";
	int rc = cb_kv_model_load(PRESETS, name, &m, err, sizeof err);
	ok(rc == 0, "preset %s loads %s", name, err);
	is_num(cb_kv_token_bytes(&m, 2), bf16, 0, "%s bf16 bytes/token", name);
	is_num(cb_kv_token_bytes(&m, 1), fp8, 0, "%s fp8 bytes/token", name);
}

static char *write_tmp(const char *text)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/cb-kvpresets-XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void bad_file(const char *text, const char *name, const char *want, const char *what)
{
	struct cb_kv_model m;
	char err[512] = "", *path = write_tmp(text), expect[600];
	snprintf(expect, sizeof expect, "%s:%s", path, want);
	int rc = cb_kv_model_load(path, name, &m, err, sizeof err);
	ok(rc != 0 && strncmp(err, expect, strlen(expect)) == 0, "%s: %s", what, err);
	unlink(path);
}

int main(void)
{
	/* reference kvcache.md section 4 */
	bpt("llama-3.1-8b", 131072, 65536);
	bpt("llama-3.1-70b", 327680, 163840);
	bpt("llama-3.1-405b", 516096, 258048);
	bpt("mixtral-8x7b", 131072, 65536);
	bpt("qwen2.5-72b", 327680, 163840);
	bpt("qwen3-235b-a22b", 192512, 96256);
	bpt("deepseek-v3", 70272, 35136);
	bpt("gpt-oss-120b", 73728, 36864);
	bpt("gpt-oss-20b", 49152, 24576);
	bpt("Llama-3.1-70B", 327680, 163840);  /* names are case-insensitive */

	struct cb_kv_model m;
	char err[512];
	cb_kv_model_load(PRESETS, "llama-3.1-70b", &m, err, sizeof err);
	is_num(cb_kv_context_bytes(&m, 2, 131072) / GiB, 40.0, 0, "Llama-3.1-70B 128k = 40 GiB (Mooncake's 40 GB)");
	is_num(cb_kv_context_bytes(&m, 2, 4096) / GiB, 1.25, 0, "Llama-3.1-70B 4k = 1.25 GiB");
	cb_kv_model_load(PRESETS, "deepseek-v3", &m, err, sizeof err);
	ok(m.attn == CB_KV_MLA && m.kv_heads == 1 && m.head_dim == 576 && cb_kv_tensors(&m) == 1,
	   "DeepSeek-V3: MLA, one 512+64 latent per layer");
	is_num(cb_kv_context_bytes(&m, 2, 4096) / MiB, 274.5, 0, "DeepSeek-V3 4k = 274.5 MiB (vllm-ascend #2470)");
	cb_kv_model_load(PRESETS, "gpt-oss-120b", &m, err, sizeof err);
	is_num(cb_kv_context_bytes(&m, 2, 4096) / MiB, 148.5, 0, "gpt-oss-120b 4k = 148.5 MiB with the window");
	is_num(cb_kv_context_bytes(&m, 2, 131072) / GiB, 4.5, 0.01, "gpt-oss-120b 128k ~ 4.50 GiB");
	ok(!cb_kv_layer_is_swa(&m, 0) && cb_kv_layer_is_swa(&m, 1) && !cb_kv_layer_is_swa(&m, 34) &&
	   cb_kv_layer_is_swa(&m, 35), "gpt-oss: full and banded layers alternate");
	is_num(cb_kv_context_bytes(&m, 2, 100), 100.0 * 73728, 0, "window longer than the context: no saving");

	/* custom */
	ok(cb_kv_model_resolve(PRESETS, "custom:61,1,576,attn=mla,hidden=7168", &m, err, sizeof err) == 0 &&
	   cb_kv_token_bytes(&m, 2) == 70272, "custom MLA = DeepSeek-V3");
	ok(cb_kv_model_resolve(PRESETS, "custom:4,2,8,swa=2/16", &m, err, sizeof err) == 0 && m.swa_layers == 2 &&
	   m.swa_window == 16 && cb_kv_token_bytes(&m, 1) == 128, "custom with a window");
	ok(cb_kv_model_resolve(PRESETS, "custom:4,x,8", &m, err, sizeof err) != 0 && strstr(err, "'x' is not a positive integer"),
	   "custom: bad field refused (%s)", err);
	ok(cb_kv_model_resolve(PRESETS, "custom:4,2", &m, err, sizeof err) != 0 && strstr(err, "too few fields"),
	   "custom: too few fields (%s)", err);
	ok(cb_kv_model_resolve(PRESETS, "custom:4,8,64,attn=mla", &m, err, sizeof err) != 0 && strstr(err, "Hkv must be 1"),
	   "custom: MLA with heads refused (%s)", err);
	ok(cb_kv_model_resolve(PRESETS, "llama-9", &m, err, sizeof err) != 0 && strstr(err, "unknown model 'llama-9'") &&
	   strstr(err, "deepseek-v3"), "unknown preset lists the known ones (%s)", err);

	/* bad preset files name file:line */
	bad_file("[a]\nattention = gqa\nlayers = 2\nkv_heads = 1\nhead_dim = 8\nflavour = x\n", "a", "6: [a]: unknown key 'flavour'",
		 "unknown key");
	bad_file("[a]\nlayers = two\n", "a", "2: [a] layers = 'two': expected an integer", "bad integer");
	bad_file("; c\n[a]\nlayers = 2\nthis line is broken\n", "a", "4: malformed line", "malformed line");
	bad_file("[a]\nattention = mla\nlayers = 2\nkv_lora_rank = 512\n[b]\nlayers = 1\n", "a",
		 "1: [a]: attention = mla needs kv_lora_rank and rope_dim", "MLA without rope_dim (section line)");
	bad_file("[z]\nlayers = 1\n\n[a]\nattention = gqa\nlayers = 2\n", "a", "4: [a]: attention = gqa needs kv_heads",
		 "missing heads at end of file (section line)");
	bad_file("[a]\nattention = sparse\n", "a", "2: [a] attention = 'sparse': expected gqa or mla", "bad attention");
	ok(cb_kv_model_load("/nonexistent/models.ini", "a", &m, err, sizeof err) != 0 && strstr(err, "cannot read presets file"),
	   "missing file refused (%s)", err);
	return tap_done();
}
