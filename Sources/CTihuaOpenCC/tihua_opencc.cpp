// A C interface to OpenCC's C++ API: the C API converts, but cannot say
// which characters its dictionaries can change, which ScriptConverter needs
// to avoid sending text OpenCC would return unchanged (see ScriptConverter).
#include "tihua_opencc.h"

#include <opencc/Config.hpp>
#include <opencc/Conversion.hpp>
#include <opencc/ConversionChain.hpp>
#include <opencc/Converter.hpp>
#include <opencc/Dict.hpp>
#include <opencc/DictEntry.hpp>
#include <opencc/Exception.hpp>
#include <opencc/Lexicon.hpp>
#include <opencc/MaxMatchSegmentation.hpp>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

struct tihua_opencc {
    opencc::ConverterPtr converter;
};

static char *copy_message(const std::string &message) {
    char *out = static_cast<char *>(std::malloc(message.size() + 1));
    if (out) std::memcpy(out, message.c_str(), message.size() + 1);
    return out;
}

static void set_error(char **error, const std::string &message) {
    if (error) *error = copy_message(message);
}

extern "C" tihua_opencc *tihua_opencc_open(const char *profile, char **error) {
    try {
        opencc::Config config;
        auto converter = config.NewFromFile(profile);
        if (!converter) {
            set_error(error, "OpenCC returned no converter");
            return nullptr;
        }
        return new tihua_opencc{converter};
    } catch (const opencc::Exception &e) {
        set_error(error, e.what());
    } catch (const std::exception &e) {
        set_error(error, e.what());
    } catch (...) {
        set_error(error, "unknown OpenCC error");
    }
    return nullptr;
}

extern "C" void tihua_opencc_close(tihua_opencc *converter) { delete converter; }

extern "C" char *tihua_opencc_convert(const tihua_opencc *converter, const char *text, size_t length,
                                      size_t *out_length, char **error) {
    try {
        std::string converted = converter->converter->Convert(std::string(text, length));
        char *out = static_cast<char *>(std::malloc(converted.size() + 1));
        if (!out) {
            set_error(error, "out of memory");
            return nullptr;
        }
        std::memcpy(out, converted.data(), converted.size());
        out[converted.size()] = 0;
        *out_length = converted.size();
        return out;
    } catch (const opencc::Exception &e) {
        set_error(error, e.what());
    } catch (const std::exception &e) {
        set_error(error, e.what());
    } catch (...) {
        set_error(error, "unknown OpenCC error");
    }
    return nullptr;
}

/// Decodes the scalars of a dictionary key (OpenCC keys are valid UTF-8).
static void decode(const std::string &key, std::vector<unsigned> &out) {
    out.clear();
    size_t i = 0;
    while (i < key.size()) {
        unsigned char c = static_cast<unsigned char>(key[i]);
        int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        unsigned scalar = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
        for (int k = 1; k < n && i + k < key.size(); k++) scalar = (scalar << 6) | (key[i + k] & 0x3F);
        out.push_back(scalar);
        i += n;
    }
}

extern "C" int tihua_opencc_key_classes(const tihua_opencc *converter, unsigned char *classes) {
    try {
        std::memset(classes, 0, 0x110000);
        auto segmentation = std::dynamic_pointer_cast<opencc::MaxMatchSegmentation>(
            converter->converter->GetSegmentation());
        if (!segmentation) return 0;
        auto conversions = converter->converter->GetConversionChain()->GetConversions();
        // With several steps, a character one step converts alone may become
        // part of a longer key of a later step: treat every key character as
        // possibly part of a longer match.
        bool singleStep = conversions.size() == 1;
        std::vector<opencc::DictPtr> dicts{segmentation->GetDict()};
        for (const auto &conversion : conversions) dicts.push_back(conversion->GetDict());
        std::vector<unsigned> scalars;
        for (const auto &dict : dicts) {
            auto lexicon = dict->GetLexicon();
            for (const auto &entry : *lexicon) {
                decode(entry->Key(), scalars);
                for (unsigned scalar : scalars) {
                    if (scalar >= 0x110000) return 0;
                    if (scalars.size() > 1 || !singleStep) {
                        classes[scalar] = 2;
                    } else if (classes[scalar] == 0) {
                        classes[scalar] = 1;
                    }
                }
            }
        }
        return 1;
    } catch (...) {
        return 0;
    }
}

extern "C" void tihua_opencc_free(void *pointer) { std::free(pointer); }
