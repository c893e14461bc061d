// Compiles schema nodes of one OpenAPI document into Schema trees, each
// node once: components referenced from many operations (FlowFilter,
// StateCreate) are shared, and recursive components terminate.
#pragma once

#include "openapi_document.h"
#include "schema.h"

#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace prefectd {

class SchemaCompiler {
 public:
  explicit SchemaCompiler(const OpenApiDocument &document) : document_(document) {}

  // The compiled form of `node`, a schema inside the compiler's document.
  // Thread-safe; the result lives as long as the compiler.
  const Schema &compile(const rapidjson::Value &node);

  const OpenApiDocument &document() const { return document_; }

 private:
  Schema &compile_locked(const rapidjson::Value &node);
  void fill(Schema &schema, const rapidjson::Value &node, bool is_component);

  const OpenApiDocument &document_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Schema>> storage_;
  std::unordered_map<const rapidjson::Value *, Schema *> compiled_;
};

}  // namespace prefectd
