package org.moodhaven.tools.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The soak reads the log cap the distribution ships, as the node's logback resolves it. */
class LogCapTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void aFixedWindowOfOldFilesWithVariablesAndTheirDefaults() {
        String shipped = """
                <configuration>
                  <!-- At most (oldFiles + 1) x maxFileSize: <maxFileSize>1MB</maxFileSize> in a comment counts not -->
                  <appender name="FILE" class="ch.qos.logback.core.rolling.RollingFileAppender">
                    <rollingPolicy class="ch.qos.logback.core.rolling.FixedWindowRollingPolicy">
                      <minIndex>1</minIndex>
                      <maxIndex>${moodhaven.log.oldFiles:-5}</maxIndex>
                    </rollingPolicy>
                    <triggeringPolicy class="ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy">
                      <maxFileSize>${moodhaven.log.maxFileSize:-10MB}</maxFileSize>
                    </triggeringPolicy>
                  </appender>
                </configuration>
                """;
        LogCap cap = LogCap.fromText(shipped, "conf/logback.xml");
        assertEquals(6 * 10 * MIB + LogCap.DERBY_LOG_ALLOWANCE, cap.bytes(), cap.source());
    }

    @Test
    void aTotalSizeCapBoundsTheOldFilesAndTheCurrentComesOnTop() {
        LogCap cap = LogCap.fromText("<maxFileSize>5 MB</maxFileSize><totalSizeCap>20MB</totalSizeCap>", "x.xml");
        assertEquals(25 * MIB + LogCap.DERBY_LOG_ALLOWANCE, cap.bytes(), cap.source());
    }

    @Test
    void aConfigurationWithoutRotationStatesNoCap() {
        assertNull(LogCap.fromText("<configuration><appender class=\"FileAppender\"/></configuration>", "x.xml"));
        assertEquals(1536 * 1024L, LogCap.bytes("1.5MB"));
        assertEquals(512L, LogCap.bytes("512"));
    }
}
