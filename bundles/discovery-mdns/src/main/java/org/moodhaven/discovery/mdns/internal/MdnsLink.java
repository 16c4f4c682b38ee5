package org.moodhaven.discovery.mdns.internal;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Map;

import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JmDNS instance bound to one local address: announces this node there and
 * reports what it sees of the others. jmdns calls the listener on its own
 * threads; every call is guarded so that nothing a peer sends can throw into
 * jmdns or reach the directory unchecked.
 */
final class MdnsLink implements ServiceListener {

    /** The DNS-SD service type of PROTOCOL.md section 4. */
    static final String SERVICE_TYPE = "_moodhaven._tcp.local.";

    private static final Logger LOG = LoggerFactory.getLogger(MdnsLink.class);

    /** What the directory hears from a link. */
    interface Sightings {
        /** A service was resolved (or its TXT record changed) on this link. */
        void seen(MdnsLink link, String serviceKey, byte[] txt, int port, InetAddress address);

        /** A service went away from this link. */
        void gone(MdnsLink link, String serviceKey);
    }

    private final InetAddress address;
    private final JmDNS jmdns;
    private final Sightings sightings;
    private volatile ServiceInfo own;

    private MdnsLink(InetAddress address, JmDNS jmdns, Sightings sightings) {
        this.address = address;
        this.jmdns = jmdns;
        this.sightings = sightings;
    }

    /**
     * Starts mDNS on an address and browses for MoodHaven nodes.
     *
     * @param address  the local address to bind
     * @param hostName the host name to answer for (so the machine's own host name is not announced)
     * @param sightings where to report
     * @return the link
     * @throws IOException if the address cannot be used
     */
    static MdnsLink open(InetAddress address, String hostName, Sightings sightings) throws IOException {
        JmDNS jmdns = JmDNS.create(address, hostName);
        MdnsLink link = new MdnsLink(address, jmdns, sightings);
        jmdns.addServiceListener(SERVICE_TYPE, link);
        return link;
    }

    InetAddress address() {
        return address;
    }

    /**
     * Announces this node (blocks while jmdns probes for the name, about a second).
     *
     * @param instance the service instance name
     * @param port     the sync port
     * @param text     the TXT record
     * @throws IOException if it cannot be announced
     */
    void announce(String instance, int port, Map<String, String> text) throws IOException {
        ServiceInfo info = ServiceInfo.create(SERVICE_TYPE, instance, port, 0, 0, text);
        jmdns.registerService(info);
        own = info;
    }

    /** Replaces the TXT record of the announcement; jmdns announces the change. */
    void updateText(Map<String, String> text) {
        ServiceInfo info = own;
        if (info != null) {
            info.setText(text);
        }
    }

    /** Withdraws the announcement (peers see it go) and stops mDNS on this address. */
    void close() {
        try {
            jmdns.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing mDNS on {}: {}", address.getHostAddress(), e.toString());
        }
    }

    @Override
    public void serviceAdded(ServiceEvent event) {
        try {
            // Ask for the SRV, TXT and address records; the answer arrives as serviceResolved.
            jmdns.requestServiceInfo(event.getType(), event.getName(), false, 1);
        } catch (RuntimeException e) {
            LOG.debug("mDNS: cannot resolve an announcement: {}", e.toString());
        }
    }

    @Override
    public void serviceRemoved(ServiceEvent event) {
        try {
            sightings.gone(this, key(event));
        } catch (RuntimeException e) {
            LOG.warn("mDNS: a lost peer could not be handled", e);
        }
    }

    @Override
    public void serviceResolved(ServiceEvent event) {
        try {
            ServiceInfo info = event.getInfo();
            if (info == null) {
                return;
            }
            sightings.seen(this, key(event), info.getTextBytes(), info.getPort(), pick(info));
        } catch (RuntimeException e) {
            LOG.warn("mDNS: an announcement could not be handled", e);
        }
    }

    private static String key(ServiceEvent event) {
        String name = String.valueOf(event.getName());
        // jmdns bounds names to DNS label lengths; the cap only keeps a key small whatever it does.
        return name.length() > 256 ? name.substring(0, 256) : name;
    }

    /** An IPv4 address if the peer has one (IPv6 link-local ones need a zone to be usable). */
    private static InetAddress pick(ServiceInfo info) {
        for (Inet4Address candidate : info.getInet4Addresses()) {
            if (candidate != null) {
                return candidate;
            }
        }
        for (Inet6Address candidate : info.getInet6Addresses()) {
            if (candidate != null && (!candidate.isLinkLocalAddress() || candidate.getScopeId() != 0
                    || candidate.getScopedInterface() != null)) {
                return candidate;
            }
        }
        return null;
    }
}
