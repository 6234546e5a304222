// relayload::result<T>: a value or a std::error_code, spelled like std::expected.
#pragma once

#include <cassert>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace relayload {

/// Wraps an error for construction of a failed result: `return unexpected(errc::x);`.
class unexpected {
 public:
  explicit unexpected(std::error_code ec) noexcept : ec_(ec) {}
  template <class E, class = std::enable_if_t<std::is_error_code_enum<E>::value>>
  explicit unexpected(E e) noexcept : ec_(make_error_code(e)) {}
  const std::error_code& error() const noexcept { return ec_; }

 private:
  std::error_code ec_;
};

/// Either a T or an error. Accessing value() of a failed result throws std::system_error
/// (cold paths); hot paths test has_value() and use operator* instead.
template <class T>
class result {
 public:
  using value_type = T;

  result(const T& v) : v_(std::in_place_index<0>, v) {}               // NOLINT implicit
  result(T&& v) : v_(std::in_place_index<0>, std::move(v)) {}         // NOLINT implicit
  result(unexpected u) : v_(std::in_place_index<1>, u.error()) {      // NOLINT implicit
    assert(u.error() && "a failed result needs a non-zero error code");
  }

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  /// Precondition of operator* and operator->: has_value() (as for std::expected).
  T& operator*() & noexcept { return *get(); }
  const T& operator*() const& noexcept { return *get(); }
  T&& operator*() && noexcept { return std::move(*get()); }
  T* operator->() noexcept { return get(); }
  const T* operator->() const noexcept { return get(); }

  T& value() & { check(); return std::get<0>(v_); }
  const T& value() const& { check(); return std::get<0>(v_); }
  T&& value() && { check(); return std::get<0>(std::move(v_)); }

  /// The error; a default (success) error_code when the result holds a value.
  std::error_code error() const noexcept {
    return has_value() ? std::error_code{} : std::get<1>(v_);
  }

  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? std::get<0>(v_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  // The value, assuming has_value(). std::get_if alone returns nullptr for an error, and
  // GCC's -Wnull-dereference then warns at every inlined `*r`; saying that the pointer is
  // never null (the precondition above) removes that path instead of silencing the warning.
  T* get() noexcept {
    T* p = std::get_if<0>(&v_);
    assert(p != nullptr && "operator* or -> on a failed result");
    if (p == nullptr) __builtin_unreachable();
    return p;
  }
  const T* get() const noexcept {
    const T* p = std::get_if<0>(&v_);
    assert(p != nullptr && "operator* or -> on a failed result");
    if (p == nullptr) __builtin_unreachable();
    return p;
  }
  void check() const {
    if (!has_value()) throw std::system_error(std::get<1>(v_));
  }
  std::variant<T, std::error_code> v_;
};

/// result<void>: success or an error.
template <>
class result<void> {
 public:
  result() noexcept = default;
  result(unexpected u) noexcept : ec_(u.error()) {}  // NOLINT implicit
  bool has_value() const noexcept { return !ec_; }
  explicit operator bool() const noexcept { return has_value(); }
  void value() const {
    if (ec_) throw std::system_error(ec_);
  }
  std::error_code error() const noexcept { return ec_; }

 private:
  std::error_code ec_;
};

}  // namespace relayload
