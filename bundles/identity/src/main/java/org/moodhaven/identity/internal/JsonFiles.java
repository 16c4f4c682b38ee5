package org.moodhaven.identity.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The JSON settings for identity files: strict on reading, readable when written. */
final class JsonFiles {

    private JsonFiles() {
    }

    /**
     * @return a mapper that refuses duplicate keys and trailing garbage, and indents its output
     */
    static ObjectMapper mapper() {
        return JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(JsonParser.Feature.ALLOW_COMMENTS)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .build();
    }
}
