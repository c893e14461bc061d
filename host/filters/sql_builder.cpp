#include "sql_builder.h"

#include "database/query_components.h"
#include "database/statement.h"

namespace prefectd {

std::string SqlBuilder::push(Value value) {
  values_.push_back(std::move(value));
  return queries_->placeholder(static_cast<int>(values_.size()));
}

std::string SqlBuilder::alias(std::string_view table) {
  return std::string(table) + "_" + std::to_string(++aliases_);
}

void SqlBuilder::bind(Statement &statement) const {
  int index = 0;
  for (const Value &value : values_) {
    ++index;
    std::visit(
        [&](const auto &item) {
          using Item = std::decay_t<decltype(item)>;
          if constexpr (std::is_same_v<Item, std::nullptr_t>) {
            statement.bind_null(index);
          } else if constexpr (std::is_same_v<Item, JsonText>) {
            statement.bind_json(index, item.text);
          } else if constexpr (std::is_same_v<Item, std::string>) {
            statement.bind(index, std::string_view(item));
          } else {
            statement.bind(index, item);
          }
        },
        value);
  }
}

}  // namespace prefectd
