// A temporary directory and self-signed certificates for the TLS integration tests. OpenSSL
// only, so that every integration executable can use it (integration_net included).
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace relayload::test {

/// A temporary directory, removed with its files.
struct temp_dir {
  temp_dir() {
    char tmpl[] = "/tmp/relayload-test-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~temp_dir() {
    for (const auto& f : files) std::remove(f.c_str());
    ::rmdir(path.c_str());
  }
  std::string file(const std::string& name) {
    files.push_back(path + "/" + name);
    return files.back();
  }
  std::string path;
  std::vector<std::string> files;
};

/// Writes a self-signed P-256 certificate for the given subjectAltName (for example
/// "IP:127.0.0.1,DNS:localhost") and its key as PEM files. It is valid from an hour ago until
/// `valid_for` from now; a negative `valid_for` makes one that has expired.
inline void make_self_signed(const std::string& cert_file, const std::string& key_file,
                             const std::string& san,
                             std::chrono::seconds valid_for = std::chrono::hours(24)) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) throw std::runtime_error("EVP_EC_gen failed");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  const long not_after = static_cast<long>(valid_for.count());
  X509_gmtime_adj(X509_getm_notBefore(x), std::min(-3600L, not_after - 3600));
  X509_gmtime_adj(X509_getm_notAfter(x), not_after);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("relayload test"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, x, x, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, san.c_str());
  X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
  ext = X509V3_EXT_conf_nid(nullptr, &v3, NID_basic_constraints, "critical,CA:TRUE");
  X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
  X509_sign(x, key, EVP_sha256());

  FILE* f = std::fopen(cert_file.c_str(), "w");
  PEM_write_X509(f, x);
  std::fclose(f);
  f = std::fopen(key_file.c_str(), "w");
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  X509_free(x);
  EVP_PKEY_free(key);
}

}  // namespace relayload::test
