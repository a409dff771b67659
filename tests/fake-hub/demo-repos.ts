// Repositories `npm run demo` serves: realistic shapes (a multi-quant GGUF with a
// vision projector, a sharded safetensors chat model, an ONNX embedding model) at
// a few megabytes each, so two demo nodes sync them in seconds.

import * as t from "./fixture-texts";
import type { FixtureFile, FixtureRepo } from "./fixtures";

const MB = 1_000_000;
const txt = (path: string, content: string): FixtureFile => ({ path, kind: "text", content });
const bin = (path: string, size: number): FixtureFile => ({ path, kind: "binary", size, lfs: true });
const dates = { createdAt: "2026-09-01T10:00:00.000Z", lastModified: "2026-10-15T08:30:00.000Z" };

export const demoRepos: FixtureRepo[] = [
  {
    id: "llmlb-demo/TinyChat-1.1B-GGUF",
    tags: ["gguf", "llama", "text-generation", "conversational"],
    pipelineTag: "text-generation",
    libraryName: "gguf",
    ...dates,
    files: [
      txt(".gitattributes", t.gitattributes),
      txt("README.md", t.readme("TinyChat 1.1B GGUF", "Quantized builds of TinyChat for llama.cpp.")),
      bin("TinyChat-1.1B.Q4_K_M.gguf", 6 * MB),
      bin("TinyChat-1.1B.Q5_K_M.gguf", 7 * MB),
      bin("TinyChat-1.1B.Q8_0.gguf", 11 * MB),
      bin("mmproj-TinyChat-1.1B-f16.gguf", 2 * MB),
    ],
  },
  {
    id: "llmlb-demo/phi-mini-instruct",
    tags: ["safetensors", "phi3", "text-generation", "conversational"],
    pipelineTag: "text-generation",
    libraryName: "transformers",
    ...dates,
    files: [
      txt("README.md", t.readme("phi-mini-instruct")),
      txt("config.json", t.llamaConfig({ architectures: ["Phi3ForCausalLM"], model_type: "phi3" })),
      txt("generation_config.json", t.generationConfig),
      bin("model-00001-of-00002.safetensors", 9 * MB),
      bin("model-00002-of-00002.safetensors", 5 * MB),
      txt(
        "model.safetensors.index.json",
        t.safetensorsIndex(["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"], 14 * MB),
      ),
      txt("tokenizer.json", t.tokenizerJson),
      txt("tokenizer_config.json", t.tokenizerConfig),
      txt("special_tokens_map.json", t.specialTokensMap),
    ],
  },
  {
    id: "llmlb-demo/embed-small-onnx",
    tags: ["onnx", "bert", "feature-extraction", "sentence-similarity"],
    pipelineTag: "feature-extraction",
    libraryName: "transformers.js",
    ...dates,
    files: [
      txt("README.md", t.readme("embed-small (ONNX)", "Sentence embeddings for transformers.js.")),
      txt("config.json", t.llamaConfig({ architectures: ["BertModel"], model_type: "bert" })),
      bin("onnx/model.onnx", 4 * MB),
      bin("onnx/model_quantized.onnx", 1 * MB),
      txt("tokenizer.json", t.tokenizerJson),
    ],
  },
];
